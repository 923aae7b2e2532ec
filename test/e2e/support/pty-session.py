"""Runs a command in a pseudo-terminal of a given width and plays a script against it.

Usage: python3 pty-session.py COLUMNS -- COMMAND ARGS...   (the script is JSON on stdin:
[{"send": "drill web-tier\\r", "expect": "started"}, ...]). Each step waits (up to its
"timeout", default 60 s) until the regex "expect" matches the output seen since the step
began. Prints {"output": ..., "exit": ..., "failed": step-or-null} as JSON. node-pty is not
available here; Python's pty module gives the shell a real TTY (isTTY, columns, Ctrl-C).
"""
import fcntl, json, os, pty, re, select, signal, struct, sys, termios, time

cols = int(sys.argv[1])
cmd = sys.argv[sys.argv.index("--") + 1:]
steps = json.load(sys.stdin)

pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm"
    os.execvp(cmd[0], cmd)

fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, cols, 0, 0))
output = b""


def read(until, timeout):
    global output
    start = len(output)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if until is not None and re.search(until, output[start:].decode("utf8", "replace")):
            return True
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return until is None
            if not chunk:
                return until is None
            output += chunk
    return until is None


failed = None
for step in steps:
    if "send" in step:
        os.write(fd, step["send"].encode("utf8"))
    if "expect" in step and not read(step["expect"], step.get("timeout", 60)):
        failed = step
        break
read(None, 30 if failed is None else 1)
try:
    _, status = os.waitpid(pid, os.WNOHANG)
    if status == 0 and failed is not None:
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
except ChildProcessError:
    status = 0
print(json.dumps({"output": output.decode("utf8", "replace"), "exit": os.waitstatus_to_exitcode(status) if status else 0, "failed": failed}))
