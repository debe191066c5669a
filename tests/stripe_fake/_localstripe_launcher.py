"""Start localstripe's aiohttp app bound to 127.0.0.1 only, with in-memory state.

localstripe's own CLI (``localstripe --port N``) binds ``::`` (every interface)
and pickles its store to the shared path ``/tmp/localstripe.pickle`` on every
write, so two test runs would read each other's data.  This launcher reuses
its application object but binds loopback, disables the pickle, and prints the
chosen port (``--port 0`` asks the kernel for a free one) for the harness.  It
also adds ``DELETE /_harness/webhooks`` because localstripe cannot unregister
webhooks, which would otherwise leak from one test into the next.
"""

from __future__ import annotations

import argparse
import socket
import sys

from aiohttp import web
from localstripe import resources, server, webhooks


def _no_disk(self: resources.Store) -> None:
    return None


async def _clear_webhooks(request: web.Request) -> web.Response:
    webhooks._webhooks.clear()
    return web.Response()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    resources.Store.dump_to_disk = _no_disk
    resources.Store.try_load_from_disk = _no_disk
    server.app.router.add_delete("/_harness/webhooks", _clear_webhooks)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    print(f"LISTENING {sock.getsockname()[1]}", flush=True)
    sys.stdout.flush()
    web.run_app(server.app, sock=sock, access_log=None, print=None)


if __name__ == "__main__":
    main()
