"""SMTP server of the outbox tests, built on aiosmtpd.

Listens on 127.0.0.1 on a free port and requires STARTTLS (with the given
certificate) and AUTH. Each received message becomes a JSON file in the output
directory, with the envelope, the decoded subject and body, the Message-ID,
whether the session was encrypted, and the login. Recipients given with
--reject get "550 5.1.1". The script prints "READY <port>" once listening and
exits when its standard input closes, so it never outlives its test.
"""

import argparse
import asyncio
import email
import email.policy
import json
import logging
import os
import ssl
import sys
import uuid

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Recorder:
    def __init__(self, out_dir, rejected):
        self.out_dir = out_dir
        self.rejected = set(rejected)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rejected:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        login = None
        if isinstance(session.auth_data, LoginPassword):
            login = session.auth_data.login.decode()
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(message["subject"]),
            "message_id": str(message["message-id"]),
            "content_type": message.get_content_type(),
            "charset": message.get_content_charset(),
            "body": message.get_content(),
            "tls": session.ssl is not None,
            "login": login,
        }
        name = uuid.uuid4().hex
        temporary = os.path.join(self.out_dir, name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump(record, file, ensure_ascii=False)
        # The rename makes the file appear whole to a reader polling the directory.
        os.rename(temporary, os.path.join(self.out_dir, name + ".json"))
        return "250 OK"


def password_check(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        valid = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        if valid:
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    return check


async def serve(args):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    recorder = Recorder(args.out, args.reject)
    loop = asyncio.get_running_loop()

    def session():
        return SMTP(
            recorder,
            hostname="localhost",
            tls_context=context,
            require_starttls=True,
            auth_required=True,
            auth_require_tls=True,
            authenticator=password_check(args.user, args.password),
            loop=loop,
        )

    server = await loop.create_server(session, host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cert", required=True, help="PEM certificate of the server")
    parser.add_argument("--key", required=True, help="PEM private key of the certificate")
    parser.add_argument("--out", required=True, help="directory for the received messages")
    parser.add_argument("--user", required=True, help="accepted AUTH login")
    parser.add_argument("--password", required=True, help="accepted AUTH password")
    parser.add_argument("--reject", action="append", default=[], help="recipient to reject with 550")
    args = parser.parse_args()
    # aiosmtpd warns about deprecated session fields on every login.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
