//! Standard output and input widened when they are pipes: a run that
//! writes hundreds of MB (the inventory of a national design as JSON) into
//! a reader such as `jq` or `gzip`, or reads a design from `cat`, otherwise
//! passes the pipe 64 KiB at a time, waking the other end and waiting for
//! it at every one.

/// The pipe's size asked for: Linux's `pipe-max-size` as unprivileged
/// processes find it (1 MiB). A smaller limit refuses it and the pipe
/// keeps its size.
#[cfg(target_os = "linux")]
const PIPE_BYTES: libc::c_int = 1 << 20;

/// Widens standard output to [`PIPE_BYTES`] if it is a pipe narrower than
/// that (see [`widen`]).
pub fn widen_standard_output() {
    #[cfg(target_os = "linux")]
    widen(libc::STDOUT_FILENO);
}

/// Widens standard input to [`PIPE_BYTES`] if it is a pipe narrower than
/// that (see [`widen`]).
pub fn widen_standard_input() {
    #[cfg(target_os = "linux")]
    widen(libc::STDIN_FILENO);
}

/// Widens `fd` if it is a pipe narrower than [`PIPE_BYTES`]. Nothing else
/// changes: a file, a terminal, a socket or a pipe already as wide is left
/// alone, and a refusal (a lower limit, another system) costs only the
/// speed.
#[cfg(target_os = "linux")]
fn widen(fd: libc::c_int) {
    // SAFETY: `fstat` writes into a zeroed `stat` of its own type, and
    // `fcntl(F_GETPIPE_SZ / F_SETPIPE_SZ)` takes an int; both only read
    // the descriptor, and neither is given a pointer it keeps.
    unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        if libc::fstat(fd, &mut st) == 0
            && st.st_mode & libc::S_IFMT == libc::S_IFIFO
            && libc::fcntl(fd, libc::F_GETPIPE_SZ) < PIPE_BYTES
        {
            let _ = libc::fcntl(fd, libc::F_SETPIPE_SZ, PIPE_BYTES);
        }
    }
}
