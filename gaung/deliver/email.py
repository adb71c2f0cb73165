"""Email through the office's SMTP server: plain text with an HTML alternative and an optional PDF.

Security modes: `starttls` (port 587, upgrade before AUTH), `tls` (implicit TLS, port 465) and `none`
(a local relay on port 25 that needs no login). Certificates are verified — against `ca_file` when the
office runs its own CA. The password is read from the environment variable named by `password_env`.

A message the server accepted is never reported as failed: once DATA is answered with 2xx, a failure
to say QUIT politely is ignored, so the dispatcher does not send it a second time.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from gaung.deliver.channels import DeliveryError, one_line
from gaung.deliver.outbox import Message
from gaung.deliver.settings import DeliverySettings, Recipient, SmtpSettings, address_problem


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
    if message.html:
        email.add_alternative(message.html, subtype="html")
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
        raise _silent(where, smtp, exc) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"mail server {where}: {one_line(str(exc))}") from None
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
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
