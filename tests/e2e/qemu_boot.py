#!/usr/bin/env python3
"""Boots one QEMU machine with its first serial port on a pipe, under a hard
timeout, and plays the user at the console.

usage: qemu_boot.py --log FILE --timeout SECONDS [--qmp SOCKET] [--nmi]
                    [--send PATTERN=TEXT ...] -- qemu-system-x86_64 ARGS...

--nmi      when the guest prints "xenready: ready for NMI", inject an NMI
           through QMP (the machine must have been given -qmp unix:SOCKET),
           then send a line on the serial console so the probe goes on.
--send     when a line of serial output contains PATTERN, type TEXT (once;
           "\\n" in TEXT is a newline).

Prints one line `boot: verdict_s=... total_s=... status=...` last: the time
from QEMU's start to the verdict banner, to QEMU's exit, and how it ended
(poweroff, timeout, exit-N).
"""

import argparse
import json
import re
import socket
import subprocess
import sys
import threading
import time

VERDICT = re.compile(
    rb"^\s*\[.\] (READY|NEEDS CHANGES|LIMITED|NOT SUITABLE|UNKNOWN) - ", re.M
)
NMI_READY = b"xenready: ready for NMI"


def qmp_inject_nmi(path):
    """Connects to QEMU's QMP socket and injects an NMI into every CPU."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(path)
        stream = s.makefile("rwb")

        def reply():
            while True:
                line = stream.readline()
                if not line:
                    raise RuntimeError("QMP closed")
                msg = json.loads(line)
                if "return" in msg or "error" in msg:
                    return msg

        stream.readline()  # greeting
        for command in ("qmp_capabilities", "inject-nmi"):
            stream.write(json.dumps({"execute": command}).encode() + b"\n")
            stream.flush()
            msg = reply()
            if "error" in msg:
                raise RuntimeError(f"QMP {command}: {msg['error']}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--timeout", type=float, required=True)
    parser.add_argument("--qmp")
    parser.add_argument("--nmi", action="store_true")
    parser.add_argument("--send", action="append", default=[])
    parser.add_argument("qemu", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.qemu[1:] if args.qemu[:1] == ["--"] else args.qemu
    sends = []
    for item in args.send:
        pattern, _, text = item.partition("=")
        sends.append([pattern.encode(), text.replace("\\n", "\n").encode(), False])

    start = time.monotonic()
    proc = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output = bytearray()
    verdict_at = [None]
    events = []
    lock = threading.Lock()

    def type_text(text):
        try:
            proc.stdin.write(text)
            proc.stdin.flush()
        except OSError:
            pass

    def reader(log):
        nmi_done = False
        while True:
            chunk = proc.stdout.read1(4096)
            if not chunk:
                return
            log.write(chunk)
            log.flush()
            with lock:
                output.extend(chunk)
                text = bytes(output)
            if verdict_at[0] is None and VERDICT.search(text):
                verdict_at[0] = time.monotonic() - start
            if args.nmi and not nmi_done and NMI_READY in text:
                nmi_done = True
                try:
                    qmp_inject_nmi(args.qmp)
                    events.append("nmi injected")
                except (OSError, RuntimeError, ValueError) as e:
                    events.append(f"nmi injection failed: {e}")
                # Give the kernel time to log it before the probe reads.
                time.sleep(1)
                type_text(b"\n")
            for item in sends:
                if not item[2] and item[0] in text:
                    item[2] = True
                    time.sleep(0.5)
                    type_text(item[1])

    with open(args.log, "wb") as log:
        thread = threading.Thread(target=reader, args=(log,), daemon=True)
        thread.start()
        try:
            code = proc.wait(timeout=args.timeout)
            status = "poweroff" if code == 0 else f"exit-{code}"
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            status = "timeout"
        thread.join(timeout=5)
    total = time.monotonic() - start
    for event in events:
        print(f"boot: {event}")
    verdict = f"{verdict_at[0]:.1f}" if verdict_at[0] is not None else "none"
    print(f"boot: verdict_s={verdict} total_s={total:.1f} status={status}")
    return 0 if status == "poweroff" else 1


if __name__ == "__main__":
    sys.exit(main())
