//! CIDRs and addresses: `address/prefix`, `address/netmask`, `address/hostmask`
//! (IPv4) or a bare address, as Python's `ipaddress` and netaddr accept them.

use std::net::{IpAddr, Ipv4Addr};

use ipnet::IpNet;

/// A network with the address as written (host bits kept), or None when it does not parse.
pub fn network(text: &str) -> Option<IpNet> {
    let (addr, mask) = match text.split_once('/') {
        Some((a, m)) => (a, Some(m)),
        None => (text, None),
    };
    let addr: IpAddr = addr.parse().ok()?;
    let Some(mask) = mask else {
        return Some(IpNet::from(addr));
    };
    if !mask.is_empty() && mask.len() <= 3 && mask.bytes().all(|b| b.is_ascii_digit()) {
        return IpNet::new(addr, mask.parse().ok()?).ok();
    }
    let (IpAddr::V4(_), Ok(mask)) = (addr, mask.parse::<Ipv4Addr>()) else {
        return None;
    };
    IpNet::with_netmask(addr, IpAddr::V4(mask))
        .or_else(|_| IpNet::with_netmask(addr, IpAddr::V4(!mask)))
        .ok()
}

/// How a CIDR reads under Python's strict `ip_network`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strict {
    /// A network address.
    Valid,
    /// Parses, but host bits are set; the network it belongs to.
    HostBitsSet(IpNet),
    /// Does not parse.
    Invalid,
}

/// `text` under Python's strict `ip_network`.
pub fn strict(text: &str) -> Strict {
    match network(text) {
        None => Strict::Invalid,
        Some(net) if net.addr() != net.network() => Strict::HostBitsSet(net.trunc()),
        Some(_) => Strict::Valid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_python_accepts() {
        for (text, canonical) in [
            ("10.0.0.0/8", "10.0.0.0/8"),
            ("10.0.0.0/255.0.0.0", "10.0.0.0/8"),
            ("10.0.0.0/0.0.255.255", "10.0.0.0/16"),
            ("10.1.2.3", "10.1.2.3/32"),
            ("fd00::/64", "fd00::/64"),
        ] {
            assert_eq!(
                network(text).map(|n| n.to_string()).as_deref(),
                Some(canonical),
                "{text}"
            );
        }
        for bad in [
            "",
            "10.0.0.0/33",
            "10.0.0.0/255.0.255.0",
            "fd00::/ffff::",
            "x/8",
            "10.0.0.0/",
            "010.0.0.0/8",
        ] {
            assert_eq!(network(bad), None, "{bad}");
        }
    }

    #[test]
    fn host_bits_are_found_in_both_families() {
        assert_eq!(strict("172.16.1.0/24"), Strict::Valid);
        assert_eq!(
            strict("172.16.1.5/24"),
            Strict::HostBitsSet("172.16.1.0/24".parse().unwrap())
        );
        assert_eq!(
            strict("fd00:0:0:0::1/64"),
            Strict::HostBitsSet("fd00::/64".parse().unwrap())
        );
        assert_eq!(strict("nonsense"), Strict::Invalid);
    }
}
