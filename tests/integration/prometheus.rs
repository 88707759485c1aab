//! `--format prometheus` checked by the real Prometheus tools: `promtool
//! check metrics` on a live scan and on every QEMU capture, and a real
//! node_exporter serving the file through its textfile collector.
//!
//! The tools come from Debian's `prometheus` and `prometheus-node-exporter`
//! (scripts/install-deps.sh). A missing tool fails these tests: a skipped
//! test would let the format drift from what Prometheus accepts.

use crate::common::{scratch, xenready};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn tool(name: &str) -> PathBuf {
    for dir in ["/usr/bin", "/usr/local/bin", "/bin"] {
        let path = Path::new(dir).join(name);
        if path.exists() {
            return path;
        }
    }
    panic!("{name} is not installed: run scripts/install-deps.sh (Debian: prometheus, prometheus-node-exporter)");
}

fn promtool_accepts(metrics: &str, what: &str) {
    let mut child = Command::new(tool("promtool"))
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(metrics.as_bytes())
        .expect("promtool reads");
    let out = child.wait_with_output().expect("promtool ends");
    assert!(
        out.status.success(),
        "promtool rejects the metrics of {what}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn qemu_bundles() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/qemu");
    let mut bundles: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/qemu")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".evidence.json"))
        .collect();
    bundles.sort();
    assert!(bundles.len() >= 5, "the QEMU captures are missing");
    bundles
}

#[test]
fn promtool_accepts_a_live_scan_and_every_qemu_capture() {
    let live = xenready()
        .args(["scan", "--no-modules", "--format", "prometheus"])
        .output()
        .expect("scan runs");
    let live = String::from_utf8(live.stdout).expect("UTF-8");
    assert!(live.contains("xenready_verdict{target=\"xen\""), "{live}");
    // A live scan knows when it ran and how long collecting took.
    let duration: f64 = live
        .lines()
        .find_map(|l| l.strip_prefix("xenready_scan_duration_seconds "))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no scan duration in\n{live}"));
    assert!(duration > 0.0 && duration < 60.0, "{duration}");
    assert!(
        live.contains("\nxenready_scan_timestamp_seconds "),
        "{live}"
    );
    promtool_accepts(&live, "a live scan");
    for bundle in qemu_bundles() {
        let out = xenready()
            .arg("analyze")
            .arg(&bundle)
            .args(["--format", "prometheus"])
            .output()
            .expect("analyze runs");
        let metrics = String::from_utf8(out.stdout).expect("UTF-8");
        // Exactly one verdict is current per target.
        let current = metrics
            .lines()
            .filter(|l| l.starts_with("xenready_verdict{target=\"xen\",") && l.ends_with(" 1"))
            .count();
        assert_eq!(current, 1, "{}:\n{metrics}", bundle.display());
        promtool_accepts(&metrics, &bundle.display().to_string());
    }
}

#[test]
fn promtool_accepts_every_corpus_analysis() {
    let reports = crate::corpus::every_report();
    assert!(reports.len() > 20, "only {} corpus analyses", reports.len());
    let options = xenready::render::RenderOptions::default();
    for (name, report) in &reports {
        let metrics = xenready::render::prometheus(report, &options);
        assert!(metrics.contains("xenready_score{target=\"xen\"}"), "{name}");
    }
    // One promtool run for the whole corpus (one a fixture would cost
    // seconds): each report's series get their own label so they can
    // share a file.
    let mut families: Vec<(String, String, Vec<String>)> = Vec::new();
    for (i, (_, report)) in reports.iter().enumerate() {
        let mut help = String::new();
        for line in xenready::render::prometheus(report, &options).lines() {
            if line.starts_with("# HELP ") {
                help = line.to_string();
                continue;
            }
            if line.starts_with('#') {
                continue;
            }
            let name = line.split(['{', ' ']).next().unwrap_or_default();
            let sample = tagged(line, i);
            match families.iter_mut().find(|(n, _, _)| n == name) {
                Some((_, _, samples)) => samples.push(sample),
                None => families.push((name.to_string(), help.clone(), vec![sample])),
            }
        }
    }
    let mut joined = String::new();
    for (name, help, samples) in &families {
        joined.push_str(&format!("{help}\n# TYPE {name} gauge\n"));
        for sample in samples {
            joined.push_str(sample);
            joined.push('\n');
        }
    }
    promtool_accepts(&joined, "every corpus analysis");
}

/// `name{labels} v` → `name{fixture="i",labels} v`.
fn tagged(line: &str, i: usize) -> String {
    match line.split_once('{') {
        Some((name, rest)) => format!("{name}{{fixture=\"{i}\",{rest}"),
        None => match line.split_once(' ') {
            Some((name, value)) => format!("{name}{{fixture=\"{i}\"}} {value}"),
            None => line.to_string(),
        },
    }
}

/// Ends the exporter however the test ends.
struct Exporter(Child);

impl Drop for Exporter {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    listener.local_addr().expect("address").port()
}

fn scrape(port: u16) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let request = format!("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.starts_with("HTTP/1.").then_some(response)
}

#[test]
fn node_exporter_serves_the_textfile_over_http() {
    let dir = scratch("prometheus-textfile");
    let file = dir.join("xenready.prom");
    xenready()
        .args(["scan", "--no-modules", "--format", "prometheus", "-o"])
        .arg(&file)
        .assert()
        .code(predicates::ord::lt(7));
    let port = free_port();
    let child = Command::new(tool("prometheus-node-exporter"))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--collector.disable-defaults")
        .arg("--collector.textfile")
        .arg(format!("--collector.textfile.directory={}", dir.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("node_exporter starts");
    let _exporter = Exporter(child);
    let deadline = Instant::now() + Duration::from_secs(15);
    let body = loop {
        if let Some(body) = scrape(port) {
            break body;
        }
        assert!(Instant::now() < deadline, "node_exporter never answered");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(body.starts_with("HTTP/1.0 200") || body.starts_with("HTTP/1.1 200"));
    assert!(
        body.contains("xenready_verdict{target=\"xen\",verdict="),
        "no xenready_verdict in the scrape:\n{body}"
    );
    // The collector reports a file it could not parse as an error, not
    // as missing metrics.
    assert!(
        body.contains("node_textfile_scrape_error 0"),
        "the textfile collector failed:\n{body}"
    );
}
