//! The address a request comes from, for per-address limits. Behind a load
//! balancer every connection comes from the balancer, so the client's
//! address is read from `X-Forwarded-For` — but only the entries the
//! operator's own proxies appended can be trusted: a client can send any
//! `X-Forwarded-For` it likes, and each proxy appends what it saw.

use std::net::IpAddr;

use poem::Request;

/// How to find the client's address (`MOSAIC_TRUSTED_PROXY_HOPS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClientAddress {
    /// How many proxies of the operator's stand in front of the server
    /// (0: clients connect directly; 1: one load balancer such as an ALB or
    /// an ingress controller).
    pub trusted_proxy_hops: u32,
}

impl ClientAddress {
    /// The client's address: with `n` trusted proxies, the `n`-th entry of
    /// `X-Forwarded-For` from the right (what the outermost trusted proxy
    /// saw); the connection's peer address when there is no proxy, or when
    /// the header has fewer entries than trusted proxies or a bad entry
    /// (then the request did not come through them as configured).
    pub fn of(&self, req: &Request) -> Option<IpAddr> {
        let peer = req.remote_addr().as_socket_addr().map(|a| a.ip());
        let hops = usize::try_from(self.trusted_proxy_hops).unwrap_or(usize::MAX);
        if hops == 0 {
            return peer;
        }
        let entries: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        entries
            .len()
            .checked_sub(hops)
            .and_then(|i| entries[i].parse().ok())
            .or(peer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(forwarded: &[&str]) -> Request {
        let mut builder = Request::builder();
        for value in forwarded {
            builder = builder.header("X-Forwarded-For", *value);
        }
        builder.finish()
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let direct = ClientAddress::default();
        assert_eq!(direct.of(&request(&["203.0.113.9"])), None);
    }

    #[test]
    fn one_trusted_proxy_means_the_rightmost_entry() {
        let alb = ClientAddress {
            trusted_proxy_hops: 1,
        };
        // A client's own (forged) entry comes first; the balancer appends
        // the address it saw.
        assert_eq!(
            alb.of(&request(&["10.9.9.9, 198.51.100.7"])),
            ip("198.51.100.7")
        );
        assert_eq!(
            alb.of(&request(&["10.9.9.9", "198.51.100.7"])),
            ip("198.51.100.7")
        );
        assert_eq!(alb.of(&request(&["2001:db8::1"])), ip("2001:db8::1"));
    }

    #[test]
    fn two_trusted_proxies_skip_the_inner_one() {
        let cdn_and_alb = ClientAddress {
            trusted_proxy_hops: 2,
        };
        assert_eq!(
            cdn_and_alb.of(&request(&["1.1.1.1, 198.51.100.7, 10.0.0.5"])),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn too_few_or_bad_entries_fall_back_to_the_peer() {
        let two = ClientAddress {
            trusted_proxy_hops: 2,
        };
        assert_eq!(two.of(&request(&["198.51.100.7"])), None);
        let one = ClientAddress {
            trusted_proxy_hops: 1,
        };
        assert_eq!(one.of(&request(&["not-an-address"])), None);
        assert_eq!(one.of(&request(&[])), None);
    }
}
