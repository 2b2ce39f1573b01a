//! The process figures on `/metrics`, read from `/proc/self` at each scrape
//! (Linux; elsewhere they stay 0): resident memory, open file descriptors,
//! threads, CPU time and start time, under the names Prometheus's own
//! process collectors use.

use std::sync::atomic::AtomicU64;

use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

/// The process's gauges.
#[derive(Debug)]
pub struct ProcessGauges {
    resident: Gauge<f64, AtomicU64>,
    open_fds: Gauge,
    threads: Gauge,
    cpu_seconds: Gauge<f64, AtomicU64>,
    start_time: Gauge<f64, AtomicU64>,
}

impl ProcessGauges {
    /// The gauges, registered in `registry`; the start time read once.
    pub fn register(registry: &mut Registry) -> Self {
        let g = ProcessGauges {
            resident: Gauge::default(),
            open_fds: Gauge::default(),
            threads: Gauge::default(),
            cpu_seconds: Gauge::default(),
            start_time: Gauge::default(),
        };
        registry.register(
            "process_resident_memory_bytes",
            "Resident memory",
            g.resident.clone(),
        );
        registry.register(
            "process_open_fds",
            "Open file descriptors",
            g.open_fds.clone(),
        );
        registry.register("process_threads", "OS threads", g.threads.clone());
        registry.register(
            "process_cpu_seconds",
            "User and system CPU time spent, in seconds (a gauge read from /proc)",
            g.cpu_seconds.clone(),
        );
        registry.register(
            "process_start_time_seconds",
            "Start time of the process since the Unix epoch, in seconds",
            g.start_time.clone(),
        );
        if let Some(stat) = Stat::read()
            && let Some(start) = stat.start_time()
        {
            g.start_time.set(start);
        }
        g
    }

    /// Reads the figures that change.
    pub fn refresh(&self) {
        // Linux: `VmRSS:   1234 kB` in /proc/self/status.
        if let Ok(status) = std::fs::read_to_string("/proc/self/status")
            && let Some(kb) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        {
            self.resident.set(kb * 1024.0);
        }
        if let Ok(dir) = std::fs::read_dir("/proc/self/fd") {
            self.open_fds
                .set(i64::try_from(dir.count()).unwrap_or(i64::MAX));
        }
        if let Some(stat) = Stat::read() {
            self.threads.set(stat.threads);
            self.cpu_seconds
                .set(stat.cpu_ticks as f64 / TICKS_PER_SECOND);
        }
    }
}

/// `USER_HZ`: the unit of `/proc/<pid>/stat`'s times, 100 on every Linux
/// architecture's ABI (`sysconf(_SC_CLK_TCK)`).
const TICKS_PER_SECOND: f64 = 100.0;

/// What `/proc/self/stat` says (proc(5)): fields after the command name,
/// which is in parentheses and may hold spaces.
struct Stat {
    threads: i64,
    cpu_ticks: u64,
    start_ticks: u64,
}

impl Stat {
    fn read() -> Option<Stat> {
        let text = std::fs::read_to_string("/proc/self/stat").ok()?;
        Stat::parse(&text)
    }

    fn parse(text: &str) -> Option<Stat> {
        // Field 3 (state) is the first after ") "; utime is field 14,
        // stime 15, num_threads 20, starttime 22.
        let rest = text.rsplit_once(") ")?.1;
        let fields: Vec<&str> = rest.split_ascii_whitespace().collect();
        let field = |n: usize| fields.get(n - 3).and_then(|v| v.parse::<u64>().ok());
        Some(Stat {
            cpu_ticks: field(14)?.saturating_add(field(15)?),
            threads: i64::try_from(field(20)?).unwrap_or(i64::MAX),
            start_ticks: field(22)?,
        })
    }

    /// Boot time (`btime` in /proc/stat) plus the start ticks.
    fn start_time(&self) -> Option<f64> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let boot = stat
            .lines()
            .find_map(|l| l.strip_prefix("btime "))?
            .trim()
            .parse::<f64>()
            .ok()?;
        Some(boot + self.start_ticks as f64 / TICKS_PER_SECOND)
    }
}

#[cfg(test)]
mod tests {
    use super::Stat;

    #[test]
    fn stat_fields_are_read_after_a_command_name_with_spaces() {
        let line = "4242 (tokio (rt) x) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 50 0 0 20 0 7 0 123456 1000000 2000 18446744073709551615";
        let stat = Stat::parse(line).expect("parsed");
        assert_eq!(stat.cpu_ticks, 300);
        assert_eq!(stat.threads, 7);
        assert_eq!(stat.start_ticks, 123456);
        assert!(Stat::parse("4242 (x) S 1").is_none());
        assert!(Stat::parse("garbage").is_none());
    }
}
