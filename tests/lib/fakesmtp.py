#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""fakesmtp - a scriptable SMTP server for the delivery tests.

Listens on 127.0.0.1 (never another address) on an ephemeral port and
writes the port number to DIR/port once it is listening. Every event goes
to DIR/log, one line each:

  SESSION id=S
  CMD session=S VERB            MAIL, DATA, RSET, QUIT, EHLO, HELO, NOOP
  RCPT session=S code=C ADDR    each RCPT and its reply (with --log-rcpt)
  TXN n=K session=S code=C tail=T size=B from=ADDR params=P rcpts=A,B
  DROP session=S n=K            the connection was cut during DATA
  VIOLATION session=S TEXT      the client broke the protocol

A TXN line is written for every message received, with the code given to
the final dot; its bytes as they came over the wire (dot-stuffed, ending
in ".\\r\\n") go to DIR/K.data. tail=1 means the final ".\\r\\n" arrived
in the same recv() as the bytes before it. rcpts lists the recipients
whose RCPT got 2xx.

The server exits after --idle seconds without any connection activity,
after --lifetime seconds in any case, and on SIGTERM. Python 3 standard
library only.
"""

import argparse
import os
import signal
import socket
import struct
import sys
import threading
import time

LOCK = threading.Lock()
STATE = {"session": 0, "txn": 0, "data": 0, "last": time.monotonic(),
         "seen": set()}


def touch():
    STATE["last"] = time.monotonic()


def log(opts, line):
    with LOCK:
        with open(os.path.join(opts.dir, "log"), "a", encoding="utf-8",
                  errors="replace") as f:
            f.write(line + "\n")


def parse_codes(items):
    table = {}
    for item in items or []:
        addr, _, code = item.rpartition("=")
        table[addr.lower()] = int(code)
    return table


def parse_when(spec):
    """"451" -> (451, None); "451@2" -> (451, 2)."""
    if spec is None:
        return None
    code, _, n = spec.partition("@")
    return (int(code), int(n) if n else None)


class Peer:
    def __init__(self, sock, opts, sid):
        self.sock = sock
        self.opts = opts
        self.sid = sid
        self.buf = b""

    def recv(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError
        touch()
        self.buf += data
        return data

    def readline(self):
        while b"\n" not in self.buf:
            if len(self.buf) > 100000:
                raise EOFError
            self.recv()
        line, _, self.buf = self.buf.partition(b"\n")
        if not line.endswith(b"\r"):
            log(self.opts, "VIOLATION session=%d bare LF" % self.sid)
        return line.rstrip(b"\r").decode("utf-8", "replace")

    def send(self, text):
        self.sock.sendall(text.encode("utf-8"))
        touch()

    def reply(self, code, text, multiline=False):
        if multiline:
            self.send("%d-%s\r\n%d %s (more)\r\n" % (code, text, code, text))
        else:
            self.send("%d %s\r\n" % (code, text))

    def wait_eof(self):
        try:
            while True:
                self.recv()
        except (EOFError, OSError):
            pass

    def read_data(self):
        """Read up to the final dot; (raw bytes, dot came with the tail)."""
        data = self.buf
        starts = [0] if data else []
        self.buf = b""
        while True:
            if data.startswith(b".\r\n"):
                end = 0
                break
            end = data.find(b"\r\n.\r\n")
            if end >= 0:
                end += 2
                break
            starts.append(len(data))
            data += self.sock.recv(65536) or self._eof()
            touch()
        chunk = max(s for s in starts if s <= end) if starts else 0
        tail = 1 if end == 0 or chunk < end else 0
        self.buf = data[end + 3:]
        return data[:end + 3], tail

    def _eof(self):
        raise EOFError

    def cut(self):
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
        self.sock.close()


def session(peer):
    opts = peer.opts
    sid = peer.sid
    log(opts, "SESSION id=%d" % sid)
    if opts.silent:
        peer.wait_eof()
        return
    peer.reply(opts.greeting_code, "fake ESMTP")
    if opts.greeting_code // 100 != 2:
        peer.wait_eof()
        return
    mail = None
    params = ""
    rcpts = []
    ehlo = False
    while True:
        line = peer.readline()
        if ehlo and not opts.pipelining and peer.buf:
            log(opts, "VIOLATION session=%d pipelined without PIPELINING"
                % sid)
        verb = line.split(" ", 1)[0].upper()
        if verb != "RCPT":
            log(opts, "CMD session=%d %s" % (sid, verb))
        if verb == "EHLO":
            if opts.ehlo_code != 250:
                peer.reply(opts.ehlo_code, "EHLO not here")
                continue
            ehlo = True
            lines = ["fake.example"]
            if opts.long_reply:
                lines.append("X" * 5000)
            if opts.pipelining:
                lines.append("PIPELINING")
            lines += ["8BITMIME", "SIZE 10240000"]
            lines += ["XVERP"] if opts.xverp else []
            lines += ["SMTPUTF8"]
            text = "".join("250-%s\r\n" % l for l in lines[:-1])
            peer.send(text + "250 %s\r\n" % lines[-1])
        elif verb == "HELO":
            ehlo = True
            peer.reply(250, "fake.example")
        elif verb == "MAIL":
            arg = line[10:] if line[:10].upper() == "MAIL FROM:" else ""
            addr, _, params = arg.partition(">")
            mail = addr.lstrip("<")
            params = params.strip().replace(" ", "+")
            rcpts = []
            peer.reply(opts.mail_code, "sender")
            if opts.mail_code // 100 != 2:
                mail = None
        elif verb == "RCPT":
            addr = line[8:].strip().lstrip("<").rstrip(">")
            key = addr.lower()
            code = opts.rcpt_codes.get(key, 250)
            if key in opts.once_codes:
                with LOCK:
                    if key not in STATE["seen"]:
                        STATE["seen"].add(key)
                        code = opts.once_codes[key]
            if mail is None:
                code = 503
            too_many = code // 100 == 2 and opts.max_rcpt and \
                len(rcpts) >= opts.max_rcpt
            if too_many:
                code = 452
            if code // 100 == 2:
                rcpts.append(addr)
            if opts.log_rcpt:
                log(opts, "RCPT session=%d code=%d %s" % (sid, code, addr))
            if too_many:
                peer.reply(code, "4.5.3 Error: too many recipients")
                continue
            peer.reply(code, "5.1.1 <%s> rcpt" % addr if code >= 500 else
                       "rcpt %s" % addr, opts.multiline and code >= 400)
        elif verb == "DATA":
            if mail is None or not rcpts:
                peer.reply(554, "no valid recipients")
                continue
            if opts.data_code != 354:
                peer.reply(opts.data_code, "not now")
                continue
            with LOCK:
                STATE["data"] += 1
                dn = STATE["data"]
            peer.reply(354, "go ahead")
            if opts.drop_data == dn:
                if not peer.buf:
                    peer.recv()
                log(opts, "DROP session=%d n=%d" % (sid, dn))
                peer.cut()
                return
            raw, tail = peer.read_data()
            if opts.hang_dot == dn:
                peer.wait_eof()
                return
            code = 250
            if opts.dot and (opts.dot[1] is None or opts.dot[1] == dn):
                code = opts.dot[0]
            with LOCK:
                STATE["txn"] += 1
                tn = STATE["txn"]
            if not opts.sink:
                with open(os.path.join(opts.dir, "%d.data" % tn), "wb") as f:
                    f.write(raw)
            log(opts, "TXN n=%d session=%d code=%d tail=%d size=%d from=%s "
                "params=%s rcpts=%s" % (tn, sid, code, tail, len(raw), mail,
                                        params or "-", ",".join(rcpts)))
            peer.reply(code, "queued as %d" % tn if code == 250 else "dot")
            mail = None
            rcpts = []
        elif verb == "RSET":
            mail = None
            rcpts = []
            peer.reply(250, "reset")
        elif verb == "NOOP":
            peer.reply(250, "ok")
        elif verb == "QUIT":
            peer.reply(221, "bye")
            return
        else:
            peer.reply(500, "unknown command")


def serve(conn, opts):
    with LOCK:
        STATE["session"] += 1
        sid = STATE["session"]
    peer = Peer(conn, opts, sid)
    try:
        session(peer)
    except (EOFError, OSError):
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def watchdog(opts, started):
    while True:
        time.sleep(0.2)
        now = time.monotonic()
        if now - STATE["last"] > opts.idle or now - started > opts.lifetime:
            os._exit(0)


def main():
    p = argparse.ArgumentParser(description="scriptable fake SMTP server")
    p.add_argument("--dir", required=True)
    p.add_argument("--no-xverp", dest="xverp", action="store_false")
    p.add_argument("--no-pipelining", dest="pipelining",
                   action="store_false")
    p.add_argument("--rcpt-code", action="append", metavar="ADDR=CODE")
    p.add_argument("--rcpt-code-once", action="append", metavar="ADDR=CODE")
    p.add_argument("--mail-code", type=int, default=250)
    p.add_argument("--max-rcpt", type=int, default=0, metavar="N",
                   help="452 4.5.3 for each RCPT after N in a transaction")
    p.add_argument("--data-code", type=int, default=354)
    p.add_argument("--dot-code", metavar="CODE[@N]")
    p.add_argument("--drop-data", type=int, default=0, metavar="N")
    p.add_argument("--hang-dot", type=int, default=0, metavar="N")
    p.add_argument("--greeting-code", type=int, default=220)
    p.add_argument("--ehlo-code", type=int, default=250)
    p.add_argument("--silent", action="store_true")
    p.add_argument("--long-reply", action="store_true")
    p.add_argument("--multiline", action="store_true")
    p.add_argument("--sink", action="store_true")
    p.add_argument("--log-rcpt", action="store_true")
    p.add_argument("--idle", type=float, default=15)
    p.add_argument("--lifetime", type=float, default=120)
    opts = p.parse_args()
    opts.rcpt_codes = parse_codes(opts.rcpt_code)
    opts.once_codes = parse_codes(opts.rcpt_code_once)
    opts.dot = parse_when(opts.dot_code)

    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(64)
    started = time.monotonic()
    threading.Thread(target=watchdog, args=(opts, started),
                     daemon=True).start()
    tmp = os.path.join(opts.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % lsock.getsockname()[1])
    os.rename(tmp, os.path.join(opts.dir, "port"))
    while True:
        conn, _ = lsock.accept()
        touch()
        threading.Thread(target=serve, args=(conn, opts),
                         daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
