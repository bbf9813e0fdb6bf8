//! This machine's addresses that other machines can use: what a teacher whose server listens on
//! `0.0.0.0` (or `::`) tells the class to type after `--host`.
//!
//! The OS lists its interfaces and their addresses (`getifaddrs` on Linux and macOS,
//! `GetAdaptersAddresses` on Windows, through the `if-addrs` crate); nothing is sent on the
//! network to find them. The usual trick, "connect a UDP socket to a public address and read the
//! local address", sends nothing either but finds only the one address towards the internet,
//! and a classroom network may have no internet at all.

use std::net::IpAddr;

/// The addresses a peer on the local network may connect to: neither loopback (this machine
/// only) nor link-local (`169.254.x.x`: no DHCP answered; `fe80::`: needs a zone to be typed),
/// nor on an interface that is down. IPv4 ones if `v4`, IPv6 ones if `v6`. Each comes with its
/// interface's name (`en0`, `wlan0`, `Wi-Fi`), so the teacher can tell the Wi-Fi from a VPN.
pub fn reachable(v4: bool, v6: bool) -> Vec<(IpAddr, String)> {
    // No list (an OS that refuses, a sandbox): then nothing to say, never an error.
    let interfaces = if_addrs::get_if_addrs().unwrap_or_default();
    let mut found: Vec<(IpAddr, String)> = interfaces
        .into_iter()
        .filter(|i| !i.is_loopback() && !i.is_link_local())
        .filter(|i| i.oper_status != if_addrs::IfOperStatus::Down)
        .filter(|i| if i.ip().is_ipv4() { v4 } else { v6 })
        .map(|i| (i.ip(), i.name))
        .collect();
    // IPv4 first (shorter to type), then in the order of the addresses; each address once.
    found.sort_by_key(|(ip, _)| (ip.is_ipv6(), *ip));
    found.dedup_by_key(|(ip, _)| *ip);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_never_offered_to_the_class() {
        let all = reachable(true, true);
        assert!(all.iter().all(|(ip, _)| !ip.is_loopback()), "{all:?}");
        assert!(reachable(false, false).is_empty());
        assert!(reachable(true, false).iter().all(|(ip, _)| ip.is_ipv4()));
    }
}
