"""Help requests: a family asks for help, staff verify it and turn it into a campaign.

This is the most sensitive data in the system: who is in prison, what happened, how to
reach the family. Everything a family types is kept only as one encrypted blob per
request (see content.py); attachments are sniffed by content, images are re-encoded to
drop every metadata block, and everything is encrypted before it touches the database
(see attachments.py). Uploads never touch the disk in plain (see uploads.py).

Life cycle: new → verifying → approved → finished, or new/verifying → rejected.

Retention: the management command ``purge_help_requests`` runs DAILY from cron, e.g.
``17 3 * * * manage.py purge_help_requests``. It marks approved requests whose campaign is
done as finished, then deletes rejected and finished requests (with their attachments)
once HELPREQUEST_RETENTION_DAYS (default 90) have passed since the decision.
"""
