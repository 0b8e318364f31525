"""Which hosts a source may fetch from: its own site and its ``allowed_hosts``, at every
redirect hop, so neither a link nor a redirect can send it to an intranet or cloud-metadata
address. The request carries its source's name and hosts as httpx request extensions."""

from __future__ import annotations

import ipaddress

import httpx

from monitor.errors import FetchError

__all__ = ["SOURCE_EXTENSION", "HOSTS_EXTENSION", "check_redirect_host"]

# Key in httpx request extensions naming the source, for the replay and record transports.
SOURCE_EXTENSION = "monitor.source"
# (first host, allowed hosts) of a request, checked again at every redirect hop
HOSTS_EXTENSION = "monitor.hosts"


def _site(host: str) -> str | None:
    """The site a host name belongs to (its last two labels: ``www.esf.se`` → ``esf.se``);
    None for an IP address or a single-label name, which only ever match exactly."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return None
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    return ".".join(labels[-2:]) if len(labels) >= 2 else None


async def check_redirect_host(request: httpx.Request) -> None:
    """httpx calls this for the first request and for every redirect hop it follows: a hop
    must stay on the source's site (``esf.se`` → ``www.esf.se`` is fine, as sites do) or go
    to one of its ``allowed_hosts``; never to an IP address or a name elsewhere, so a
    redirect cannot send the monitor to an intranet or cloud-metadata address."""
    first, allowed = request.extensions.get(HOSTS_EXTENSION) or (None, None)
    host = request.url.host.lower()
    sites = {_site(h) for h in (first or "", *(allowed or ()))} - {None}
    if allowed is not None and host != first and host not in allowed \
            and _site(host) not in sites:
        raise FetchError(f"{request.url}: refused redirect to a host that is not the source's "
                         f"({', '.join(sorted(allowed))}); add the host to allowed_hosts if it "
                         f"is trusted", source=request.extensions.get(SOURCE_EXTENSION),
                         url=str(request.url))
