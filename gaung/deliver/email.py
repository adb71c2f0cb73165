"""Email through the office's SMTP server: plain text with an HTML alternative and an optional PDF.

Security modes: `starttls` (port 587, upgrade before AUTH), `tls` (implicit TLS, port 465) and `none`
(a local relay on port 25 that needs no login). Certificates are verified — against `ca_file` when the
office runs its own CA. The password is read from the environment variable named by `password_env`.

A message the server accepted is never reported as failed: once DATA is answered with 2xx, a failure
to say QUIT politely is ignored, so the dispatcher does not send it a second time. QUIT waits at most
QUIT_TIMEOUT, and not at all after a server that already let a step time out.

The HTML part is never the stored HTML document (the brief's, with inline SVG charts and CSS that many
mail clients strip): it is `compact_html` — the message's own text with clickable links and a note naming
the attached PDF, which carries the full brief.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from gaung.deliver.channels import DeliveryError, one_line
from gaung.deliver.outbox import Message
from gaung.deliver.settings import (
    DeliverySettings,
    Recipient,
    SmtpSettings,
    address_problem,
    secret_env_problem,
)

QUIT_TIMEOUT = 5.0  # the goodbye after an accepted message; the dispatcher counts it in max_send_seconds
LINK_RE = re.compile(r"https?://[^\s<>\"']+")


def compact_html(message: Message) -> str:
    """A mail-client-safe HTML body: the text in paragraphs, links clickable, the attachment named."""

    def paragraph(block: str) -> str:
        lines = []
        for line in block.splitlines():
            escaped, last = [], 0
            for match in LINK_RE.finditer(line):
                url = match.group(0).rstrip(".,;:)")
                escaped.append(html.escape(line[last : match.start()]))
                escaped.append(f'<a href="{html.escape(url)}">{html.escape(url)}</a>')
                last = match.start() + len(url)
            escaped.append(html.escape(line[last:]))
            lines.append("".join(escaped))
        return "<p>" + "<br>\n".join(lines) + "</p>"

    blocks = [block for block in re.split(r"\n\s*\n", message.text.strip()) if block.strip()]
    body = "\n".join(paragraph(block) for block in blocks)
    if message.attachment is not None:
        body += (
            '\n<p style="color:#555">Laporan lengkap terlampir / full report attached: '
            f"<b>{html.escape(message.attachment[0])}</b></p>"
        )
    return (
        '<!doctype html>\n<html><body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;'
        f'line-height:1.5;color:#222">\n{body}\n</body></html>\n'
    )


def build_email(message: Message, recipient: Recipient, smtp: SmtpSettings) -> EmailMessage:
    """The MIME message: text/plain, text/html alternative, and the attachment (e.g. the brief's PDF)."""
    sender = smtp.from_address or smtp.user
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = sender
    email["To"] = formataddr((recipient.name, recipient.address))
    email["Date"] = formatdate(usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "gaung.local"
    email["Message-ID"] = make_msgid(
        idstring=f"gaung.{message.kind}.{message.delivery_id or 0}", domain=domain
    )
    email.set_content(message.text)
    if message.html:  # a rich message: a compact HTML part, never the stored document (module docstring)
        email.add_alternative(compact_html(message), subtype="html")
    if message.attachment is not None:
        name, content, mime = message.attachment
        maintype, _, subtype = mime.partition("/")
        email.add_attachment(content, maintype=maintype, subtype=subtype or "octet-stream", filename=name)
    return email


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=smtp.ca_file or None)
    if smtp.security == "tls":
        return smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
    client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    try:
        client.ehlo()
        if smtp.security == "starttls":
            client.starttls(context=context)
            client.ehlo()
    except BaseException:
        client.close()
        raise
    return client


def send(message: Message, recipient: Recipient, settings: DeliverySettings) -> str:
    """Send one email; returns the server's acceptance, raises DeliveryError saying why not."""
    smtp = settings.smtp
    where = f"{smtp.host}:{smtp.port}"
    if not smtp.host:
        raise DeliveryError("no mail server configured: set [delivery.smtp] host", permanent=True)
    sender = parseaddr(smtp.from_address or smtp.user)[1]
    if address_problem("email", sender):
        raise DeliveryError("no sender address: set [delivery.smtp] from", permanent=True)
    problem = address_problem("email", recipient.address)
    if problem:
        raise DeliveryError(problem, permanent=True)
    if smtp.user and secret_env_problem(smtp.password_env):
        raise DeliveryError(
            f"[delivery.smtp] password_env: {secret_env_problem(smtp.password_env)}", permanent=True
        )
    password = os.environ.get(smtp.password_env, "") if smtp.user else ""
    if smtp.user and not password:
        raise DeliveryError(
            f"the SMTP password is not set: put it in the environment variable {smtp.password_env}",
            permanent=True,
        )
    email = build_email(message, recipient, smtp)
    try:
        client = _connect(smtp)
    except (TimeoutError, smtplib.SMTPServerDisconnected) as exc:
        raise _silent(where, smtp, exc) from None
    except ssl.SSLCertVerificationError as exc:
        raise DeliveryError(
            f"mail server {where}: its TLS certificate is not trusted ({exc.verify_message}); "
            "set [delivery.smtp] ca_file to the office CA",
            permanent=True,
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError(
            f'mail server {where} does not offer STARTTLS; use security = "tls" or "none"', permanent=True
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise _refused(where, "greeting", exc.smtp_code, exc.smtp_error) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"cannot connect to mail server {where}: {one_line(str(exc))}") from None
    answering = True  # False once the server let a step time out: then no QUIT, just close
    try:
        if smtp.user:
            client.login(smtp.user, password)
        client.send_message(email, from_addr=sender, to_addrs=[recipient.address])
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            f"mail server {where} rejected the login for {smtp.user} "
            f"({exc.smtp_code} {_text(exc.smtp_error)})",
            permanent=True,
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        code, answer = next(iter(exc.recipients.values()))
        raise _refused(where, f"recipient {recipient.address}", code, answer) from None
    except smtplib.SMTPResponseException as exc:
        raise _refused(where, "message", exc.smtp_code, exc.smtp_error) from None
    except (TimeoutError, smtplib.SMTPServerDisconnected) as exc:
        answering = False
        raise _silent(where, smtp, exc) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"mail server {where}: {one_line(str(exc))}") from None
    finally:
        if answering:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                if client.sock is not None:
                    client.sock.settimeout(min(QUIT_TIMEOUT, smtp.timeout))
                client.quit()  # the message is accepted by now (or already failed): never fail on goodbye
        client.close()
    return f"accepted by {where}"


def _text(answer: bytes | str) -> str:
    return one_line(answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer)


def _refused(where: str, what: str, code: int, answer: bytes | str) -> DeliveryError:
    # 5xx is the server's final word (unknown mailbox, policy); 4xx asks us to try again later.
    permanent = 500 <= code < 600
    verdict = "refused" if permanent else "deferred"
    return DeliveryError(
        f"mail server {where} {verdict} the {what}: {code} {_text(answer)}", permanent=permanent
    )


def _silent(where: str, smtp: SmtpSettings, exc: Exception) -> DeliveryError:
    if isinstance(exc, TimeoutError) or "timed out" in str(exc):
        return DeliveryError(f"mail server {where} did not answer within {smtp.timeout:g} s")
    return DeliveryError(f"mail server {where} closed the connection ({one_line(str(exc))})")
