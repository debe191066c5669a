"""gunicorn settings, kept for comparison and as a fallback: production runs granian
(docs/benchmarks.md has the measurements). Command-line flags override these.

No access log: gunicorn's default format starts with the client address. The error log
carries tracebacks only (no addresses, no query strings).
"""

accesslog = None
errorlog = "-"
loglevel = "warning"
# Each process holds its own database connection(s); workers × threads per app server must
# stay under PostgreSQL's max_connections divided by the number of app servers.
workers = 2
worker_class = "gthread"
threads = 4
timeout = 30
graceful_timeout = 20
keepalive = 30
# Recycle workers now and then so that slow leaks never accumulate.
max_requests = 20000
max_requests_jitter = 2000
forwarded_allow_ips = "127.0.0.1"
