//! Tests that read process-wide state run in a process of their own. Metrics live on one
//! process-wide meter provider (counts add up over every server a process starts, and OTLP
//! export is set up by whoever builds it first); the tracing subscriber and `trace_content`
//! are process-global too. Such a test begins with
//! `if !process::own(concat!(module_path!(), "::name_of_the_test")) { return; }`: in the
//! process that runs the suite it re-runs itself, alone, in a fresh process of this binary.

use std::process::Command;

/// Set in the fresh process to the name of the one test it runs.
const OWN: &str = "SWITCHBOARD_TEST_OWN_PROCESS";

/// True in the fresh process: run the test's body. Elsewhere runs `test` (its module path, as
/// `module_path!()` writes it) in a fresh process of this binary, fails with that process's
/// output if the test failed there or did not run, prints the output otherwise, and returns
/// false. Blocks the calling thread while the test runs.
pub fn own(test: &str) -> bool {
    // libtest names a test by its path without the crate.
    let name = test.split_once("::").map_or(test, |(_, rest)| rest);
    if std::env::var(OWN).is_ok_and(|v| v == name) {
        return true;
    }
    let out = Command::new(std::env::current_exe().expect("this test binary"))
        .args([name, "--exact", "--test-threads=1", "--nocapture"])
        .env(OWN, name)
        .output()
        .expect("running the test in its own process");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("test result: ok. 1 passed"),
        "{name} in its own process: {}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    print!("{stdout}");
    eprint!("{stderr}");
    false
}
