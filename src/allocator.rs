//! How the command's allocator (mimalloc) takes memory from the system and
//! gives it back: set once, when the arguments are read, before the work
//! allocates anything large. The library leaves the allocator to whoever
//! embeds it; this module is the binary's (the language server's
//! benchmark includes it too, to measure the server as it runs).

use std::path::Path;

/// What kind of process the command is, which decides whether memory it
/// frees is worth keeping for itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Run {
    /// A command that reads designs, reports and ends.
    Once,
    /// The language server, which analyses a document again at every
    /// edit.
    Serving,
}

/// Sets mimalloc's options for a run of kind `run`. An option whose
/// `MIMALLOC_*` variable is set is left to it. Built with the system's
/// allocator, there is nothing to set.
pub fn configure(run: Run) {
    if cfg!(feature = "system-alloc") {
        return;
    }
    match run {
        Run::Once => give_freed_memory_back_sooner(),
        Run::Serving => keep_freed_memory_between_edits(),
    }
    small_pages_where_freed_memory_leaves_the_machine();
}

/// mimalloc 3 gives memory back to the system a second after it is freed
/// (its `purge_delay`, 1 000 ms). A check frees the tree part by part as
/// it resolves it, then the graph, well within a second of the next
/// stage's allocations, and the freed pages kept the peak up: at a million
/// flows, `inventory` on long internal chains peaked at 994 to 1 062 MiB
/// with the default and 947 to 953 MiB with 10 ms (mimalloc 2's delay),
/// and `check` 8 to 19 % lower, with no wall time lost that runs on this
/// machine could tell from their noise (benches/README.md, twelfth pass),
/// for up to 8 % more CPU time.
fn give_freed_memory_back_sooner() {
    set_purge_delay(10);
}

/// The language server frees a document's last analysis just before it
/// analyses the next edit, which needs as much again: memory given back
/// in between is only taken again, a page fault at a time. Opening a
/// million-flow design and changing it four times took 6.5-7.4 s with the
/// command's 10 ms and 4.4-4.7 s when freed memory waited 10 s, for a
/// peak of 1.21-1.32 GiB against 0.77-0.80 GiB (before the last analysis
/// was freed first, 6.6-6.7 s and 1.21-1.24 GiB; benches/README.md,
/// thirty-sixth pass). `MIMALLOC_PURGE_DELAY=10` chooses the smaller peak.
/// A server left alone gives the memory back at its next activity.
fn keep_freed_memory_between_edits() {
    set_purge_delay(SERVING_PURGE_DELAY_MS);
}

/// How long the language server keeps freed memory, in milliseconds.
const SERVING_PURGE_DELAY_MS: std::ffi::c_long = 10_000;

/// Sets mimalloc's purge delay to `ms`, unless `MIMALLOC_PURGE_DELAY` is.
fn set_purge_delay(ms: std::ffi::c_long) {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a number mimalloc reads when it purges; it touches
        // no memory.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, ms) }
    }
}

/// No transparent huge pages on a virtual machine whose kernel hands the
/// memory its programs free back to the host (a virtio balloon with free
/// page reporting). Such a kernel reports free blocks of 2 MiB and up,
/// the very blocks a huge page is made of, so nearly every huge page a
/// run touches was handed back, and the host must back it again before
/// the guest can zero it. On one such machine a 1M `check` of
/// `contractors` that started a few seconds after the last run spent
/// 1.4-1.8 s of system time so, against 0.4-0.6 s with small pages, and
/// lone runs of `check`, `inventory`, `graph` and `rules diff` were 7-30 %
/// faster with small pages; a run right after another, whose memory had
/// not gone back yet, was up to 27 % slower (benches/README.md,
/// thirty-third pass). A CI job's one run is the first kind. Elsewhere
/// huge pages stay: they save faults and the TLB's misses.
fn small_pages_where_freed_memory_leaves_the_machine() {
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_some()
        || !reports_freed_pages(Path::new(VIRTIO_DEVICES))
    {
        return;
    }
    // SAFETY: sets a flag mimalloc reads when it next asks the system for
    // memory; it touches no memory.
    unsafe { libmimalloc_sys::mi_option_set(ALLOW_THP, 0) }
    // mimalloc asked for huge pages on what it reserved before `main`
    // (its first arena): the process's flag turns them off there too, as
    // mimalloc itself does when the option is set from the environment.
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes one integer and changes only how
    // the kernel backs this process's later page faults.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Where Linux lists the virtio devices of a virtual machine.
const VIRTIO_DEVICES: &str = "/sys/bus/virtio/devices";

/// The virtio id of a memory balloon.
const VIRTIO_ID_BALLOON: &str = "0x0005";

/// The balloon's feature bit for free page reporting
/// (`VIRTIO_BALLOON_F_REPORTING`).
const BALLOON_F_REPORTING: usize = 5;

/// Devices looked at, at most: a machine has a handful.
const DEVICES_READ: usize = 64;

/// Does a virtio balloon under `devices` report freed pages to its host?
/// Each device's `device` file holds its id and its `features` file one
/// character per feature bit, the negotiated ones `1`. Anything missing or
/// unreadable says no.
fn reports_freed_pages(devices: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(devices) else {
        return false;
    };
    entries.take(DEVICES_READ).flatten().any(|entry| {
        let dir = entry.path();
        small_file(&dir.join("device")).is_some_and(|id| id.trim() == VIRTIO_ID_BALLOON)
            && small_file(&dir.join("features"))
                .is_some_and(|bits| bits.as_bytes().get(BALLOON_F_REPORTING) == Some(&b'1'))
    })
}

/// A one-line sysfs file, read as every file the command reads is: a
/// regular file only, and no more than a few hundred bytes.
fn small_file(path: &Path) -> Option<String> {
    let bytes = mynaflow::input::read_limited(path, 512).ok()?;
    String::from_utf8(bytes).ok()
}

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_e` (the C sources
/// libmimalloc-sys 0.1.49 builds): the crate names no constant for it. A
/// test reads the option's default back by this number.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// `mi_option_allow_thp` in the same list; a test reads its default (on).
const ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

#[cfg(test)]
mod tests {
    use super::*;

    /// Option `option`'s value, and the default it should have: `default`,
    /// or what the variable `var` sets (the tests never call `configure`).
    fn read_back(
        option: libmimalloc_sys::mi_option_t,
        var: &str,
        default: std::ffi::c_long,
    ) -> (std::ffi::c_long, std::ffi::c_long) {
        // SAFETY: reads one of mimalloc's options.
        let value = unsafe { libmimalloc_sys::mi_option_get(option) };
        let want = std::env::var(var)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default);
        (value, want)
    }

    /// If a new mimalloc numbered its options anew, options 15 and 43
    /// would be others, with other defaults. Then each kind of run sets
    /// its purge delay there. One test: the options are the process's, so
    /// the defaults are read before anything sets them.
    #[test]
    fn options_15_and_43_are_the_purge_delay_and_allow_thp_and_each_run_sets_its_delay() {
        let (value, want) = read_back(PURGE_DELAY, "MIMALLOC_PURGE_DELAY", 1000);
        assert_eq!(value, want, "mimalloc's purge delay, read as option 15");
        let (value, want) = read_back(ALLOW_THP, "MIMALLOC_ALLOW_THP", 1);
        assert_eq!(value, want, "mimalloc's allow_thp, read as option 43");
        // The option before it is a count with a default of its own:
        // `page_cross_thread_max_reclaim`, 32.
        let (before, want) = read_back(ALLOW_THP - 1, "MIMALLOC_PAGE_CROSS_THREAD_MAX_RECLAIM", 32);
        assert_eq!(before, want, "option 42 is page_cross_thread_max_reclaim");
        if cfg!(feature = "system-alloc") {
            return; // mimalloc is not the allocator: nothing is set.
        }
        let set_by_hand = std::env::var_os("MIMALLOC_PURGE_DELAY").is_some();
        for (run, delay) in [(Run::Serving, SERVING_PURGE_DELAY_MS), (Run::Once, 10)] {
            configure(run);
            let (value, want) = read_back(PURGE_DELAY, "MIMALLOC_PURGE_DELAY", delay);
            assert_eq!(
                value, want,
                "{run:?} sets its delay, or leaves the variable's"
            );
            assert!(set_by_hand || value == delay);
        }
    }

    /// Writes a virtio device's two files.
    fn device(root: &Path, name: &str, id: &str, features: &str) {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("device"), format!("{id}\n")).unwrap();
        std::fs::write(dir.join("features"), format!("{features}\n")).unwrap();
    }

    #[test]
    fn a_balloon_that_reports_free_pages_is_found_and_nothing_else_is() {
        let root = tempfile::tempdir().unwrap();
        // A disk and a network card with bit 5 set: not balloons.
        device(root.path(), "virtio1", "0x0002", "0000010000");
        device(root.path(), "virtio2", "0x0001", "1111111111");
        assert!(!reports_freed_pages(root.path()));
        // A balloon without free page reporting (stats, deflate on OOM).
        device(root.path(), "virtio0", "0x0005", "0110000100");
        assert!(!reports_freed_pages(root.path()));
        // The same balloon as seen on the machine of benches/README.md.
        device(
            root.path(),
            "virtio0",
            "0x0005",
            "0110010100000000000000000000000010000000",
        );
        assert!(reports_freed_pages(root.path()));
        // No virtio devices at all (not a virtual machine, or not Linux).
        assert!(!reports_freed_pages(&root.path().join("missing")));
        // A features file too short to hold the bit.
        let short = tempfile::tempdir().unwrap();
        device(short.path(), "virtio0", "0x0005", "0110");
        assert!(!reports_freed_pages(short.path()));
    }
}
