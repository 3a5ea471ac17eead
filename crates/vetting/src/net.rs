//! Anonymiser ranges given as CIDR lists.

use std::net::IpAddr;

use model::{Diagnostic, Severity};

/// A set of labelled IP ranges (VPN, hosting, Astrill IOCs) and of allowed corporate egress
/// ranges, looked up by binary search.
#[derive(Debug, Clone, Default)]
pub struct CidrSet {
    v4: Vec<(u32, u32, u32)>,
    v6: Vec<(u128, u128, u32)>,
    labels: Vec<String>,
    allow4: Vec<(u32, u32)>,
    allow6: Vec<(u128, u128)>,
}

impl CidrSet {
    /// Parses a CIDR list: one `ADDR/LEN [label…]` per line (a bare address is a /32 or /128);
    /// `#` starts a comment; a line starting with `!` is an allowed corporate egress range that
    /// is never flagged and never links subjects. The default label is the file name.
    pub fn parse(file: &str, text: &str) -> (CidrSet, Vec<Diagnostic>) {
        let mut set = CidrSet::default();
        let diags = set.add(file, text);
        (set, diags)
    }

    /// Parses several CIDR lists, each given as (file name, text), into one set.
    pub fn parse_files(files: &[(String, String)]) -> (CidrSet, Vec<Diagnostic>) {
        let mut set = CidrSet::default();
        let mut diags = Vec::new();
        for (name, text) in files {
            diags.extend(set.add(name, text));
        }
        (set, diags)
    }

    /// Adds the ranges of another CIDR list, as [`CidrSet::parse`] reads it: its diagnostics and
    /// its default label name `file`, so each of several files keeps its own name and lines.
    pub fn add(&mut self, file: &str, text: &str) -> Vec<Diagnostic> {
        let set = self;
        let mut diags = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let (allow, line) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let mut fields = line.split_whitespace();
            let cidr = fields.next().unwrap_or("");
            let label: Vec<&str> = fields.collect();
            let label = if label.is_empty() {
                file.to_string()
            } else {
                label.join(" ")
            };
            let (addr, len) = match cidr.split_once('/') {
                Some((a, l)) => (a, l.parse::<u8>().ok()),
                None => (cidr, None),
            };
            let Ok(ip) = addr.parse::<IpAddr>() else {
                diags.push(Diagnostic::at_line(
                    Severity::Warning,
                    file,
                    i as u64 + 1,
                    format!("'{cidr}' is not an IP address or CIDR range; the line was skipped."),
                ));
                continue;
            };
            let label_no = set.labels.len() as u32;
            match ip {
                IpAddr::V4(a) => {
                    let len = u32::from(len.unwrap_or(32).min(32));
                    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
                    let lo = u32::from(a) & mask;
                    let hi = lo | !mask;
                    if allow {
                        set.allow4.push((lo, hi));
                    } else {
                        set.v4.push((lo, hi, label_no));
                    }
                }
                IpAddr::V6(a) => {
                    let len = u32::from(len.unwrap_or(128).min(128));
                    let mask = if len == 0 {
                        0
                    } else {
                        u128::MAX << (128 - len)
                    };
                    let lo = u128::from(a) & mask;
                    let hi = lo | !mask;
                    if allow {
                        set.allow6.push((lo, hi));
                    } else {
                        set.v6.push((lo, hi, label_no));
                    }
                }
            }
            if !allow {
                set.labels.push(label);
            }
        }
        set.v4.sort_unstable();
        set.v6.sort_unstable();
        set.allow4.sort_unstable();
        set.allow6.sort_unstable();
        diags
    }

    /// How many flagged ranges the set holds.
    pub fn len(&self) -> usize {
        self.v4.len() + self.v6.len()
    }

    /// Whether the set holds no flagged range.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The label of the first flagged range holding `ip`.
    pub fn lookup(&self, ip: &str) -> Option<&str> {
        let ip: IpAddr = ip.trim().parse().ok()?;
        let idx = match ip {
            IpAddr::V4(a) => find(&self.v4, u32::from(a)),
            IpAddr::V6(a) => find(&self.v6, u128::from(a)),
        }?;
        self.labels.get(idx as usize).map(String::as_str)
    }

    /// Whether `ip` is in an allowed corporate egress range.
    pub fn allowed(&self, ip: &str) -> bool {
        let Ok(ip) = ip.trim().parse::<IpAddr>() else {
            return false;
        };
        match ip {
            IpAddr::V4(a) => {
                let x = u32::from(a);
                self.allow4.iter().any(|&(lo, hi)| lo <= x && x <= hi)
            }
            IpAddr::V6(a) => {
                let x = u128::from(a);
                self.allow6.iter().any(|&(lo, hi)| lo <= x && x <= hi)
            }
        }
    }
}

/// Ranges may nest, so every range starting at or before `x` is a candidate; lists are short
/// enough per start that scanning back from the partition point is cheap.
fn find<T: Ord + Copy>(ranges: &[(T, T, u32)], x: T) -> Option<u32> {
    let end = ranges.partition_point(|r| r.0 <= x);
    ranges[..end]
        .iter()
        .rev()
        .take(64)
        .find(|r| r.1 >= x)
        .map(|r| r.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_lookup() {
        let (set, diags) = CidrSet::parse(
            "vpn.txt",
            "# Astrill IOCs\n142.214.202.0/24 astrill\n155.94.199.59\n10.0.0.0/8\n!203.0.113.0/24 corp\nbogus\n2001:db8::/32 v6vpn\n",
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(
            diags[0].message,
            "'bogus' is not an IP address or CIDR range; the line was skipped."
        );
        let cases = [
            ("142.214.202.2", Some("astrill")),
            ("155.94.199.59", Some("vpn.txt")),
            ("155.94.199.60", None),
            ("10.200.1.1", Some("vpn.txt")),
            ("203.0.113.5", None),
            ("2001:db8::1", Some("v6vpn")),
            ("not-an-ip", None),
        ];
        for (ip, want) in cases {
            assert_eq!(set.lookup(ip), want, "{ip}");
        }
        assert!(set.allowed("203.0.113.9"));
        assert!(!set.allowed("142.214.202.2"));
    }
}
