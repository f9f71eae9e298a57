//! The media scenario: uploads and downloads of large files, beside the disk's own speed for the
//! same work.
//!
//! One user uploads [`Sizes::media_files`] files of [`Sizes::media_file_bytes`] one after another
//! (`POST /media/upload`), sends its peer a file message naming each, and the peer downloads
//! every file through the signed URL its message carries, checking each arrives whole. Then the
//! load generator does what the server's local store does with the same bytes, in the server's
//! data directory when known: writes each file through a temporary name and a rename, and reads
//! it back. Each phase reports megabytes per second (10^6 bytes) and per-file latencies; the
//! ratios say what the HTTP path costs over the disk.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde_json::{Value, json};
use tincan_proto::enums::ConvType;
use tincan_proto::{Elem, Message};
use tincan_sdk::media::MediaType;

use crate::{Sizes, Stats, Target};

/// What one phase moved: its wall time, per-file latencies and, for the server's phases, the
/// server's CPU.
struct Moved {
    wall: Duration,
    latency: Stats,
    server_cpu_s: Option<f64>,
}

impl Moved {
    fn report(&self, files: usize, file_bytes: usize) -> Value {
        let megabytes = (files * file_bytes) as f64 / 1e6;
        let mut report = json!({
            "files": files,
            "megabytes_per_s": megabytes / self.wall.as_secs_f64(),
            "per_file": self.latency.summary(),
        });
        if let Some(cpu) = self.server_cpu_s {
            report["server_cpu_s_per_100_mb"] = json!(cpu / megabytes * 100.0);
        }
        report
    }
}

/// The media scenario (see the module's documentation).
pub async fn media(target: &Target, sizes: &Sizes) -> anyhow::Result<Value> {
    let (files, file_bytes) = (sizes.media_files, sizes.media_file_bytes);
    let sender_name = target.user("media_sender");
    let peer_name = target.user("media_peer");
    let (sender, _sender_events) = target.client(&sender_name).await?;
    let (peer, _peer_events) = target.client(&peer_name).await?;
    // Bytes that do not compress, so no layer could shortcut them.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let content: Vec<u8> = (0..file_bytes)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();

    let mut latency = Stats::default();
    let mut ids = Vec::with_capacity(files);
    let cpu_before = target.sample().cpu_seconds;
    let started = Instant::now();
    for n in 0..files {
        let at = Instant::now();
        let answer = sender
            .upload(MediaType::File, &format!("bench-{n}.bin"), &content)
            .await
            .map_err(|err| anyhow::anyhow!("upload {n}: {err}"))?;
        latency.push(at.elapsed());
        ids.push(answer.get("id").and_then(Value::as_str).context("an upload answers its id")?.to_owned());
    }
    let server_cpu_s = Some(target.sample().cpu_seconds - cpu_before);
    let upload = Moved { wall: started.elapsed(), latency, server_cpu_s };

    let mut urls = Vec::with_capacity(files);
    for id in &ids {
        let elem: Elem = serde_json::from_value(json!({"elem_type": 4, "file_elem_file_id": id}))?;
        let message = Message { message_elem_array: vec![elem], ..Message::default() };
        let sent = sender
            .send_message(&peer_name, ConvType::C2C, message)
            .await
            .map_err(|err| anyhow::anyhow!("sending file {id}: {err}"))?;
        let url = sent.message_elem_array.first().and_then(|elem| elem.0.get("file_elem_url")).and_then(Value::as_str);
        urls.push(url.context("a sent file message carries its URL")?.to_owned());
    }

    let mut latency = Stats::default();
    let cpu_before = target.sample().cpu_seconds;
    let started = Instant::now();
    for url in &urls {
        let at = Instant::now();
        let got = peer.download(url).await.map_err(|err| anyhow::anyhow!("download of {url}: {err}"))?;
        latency.push(at.elapsed());
        anyhow::ensure!(got == content, "a download of {url} came back with {} bytes, not the upload", got.len());
    }
    let server_cpu_s = Some(target.sample().cpu_seconds - cpu_before);
    let download = Moved { wall: started.elapsed(), latency, server_cpu_s };

    let base = target.data_dir.clone().unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("tincan-bench-disk-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let measured = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || disk_speed(&dir, files, &content)).await?
    };
    std::fs::remove_dir_all(&dir)?;
    let (disk_write, disk_read) = measured?;

    let upload_report = upload.report(files, file_bytes);
    let download_report = download.report(files, file_bytes);
    let disk_write_report = disk_write.report(files, file_bytes);
    let disk_read_report = disk_read.report(files, file_bytes);
    let rate = |report: &Value| report["megabytes_per_s"].as_f64().unwrap_or(f64::NAN);
    Ok(json!({
        "file_bytes": file_bytes,
        "upload_of_disk_write": rate(&upload_report) / rate(&disk_write_report),
        "download_of_disk_read": rate(&download_report) / rate(&disk_read_report),
        "upload": upload_report,
        "download": download_report,
        "disk_write": disk_write_report,
        "disk_read": disk_read_report,
    }))
}

/// Writes `files` copies of `content` under `dir` as the server's local store does (a temporary
/// name, then a rename), then reads each back.
fn disk_speed(dir: &Path, files: usize, content: &[u8]) -> std::io::Result<(Moved, Moved)> {
    let mut latency = Stats::default();
    let started = Instant::now();
    for n in 0..files {
        let at = Instant::now();
        let temp = dir.join(format!("{n}.partial"));
        std::fs::write(&temp, content)?;
        std::fs::rename(&temp, dir.join(format!("{n}.orig")))?;
        latency.push(at.elapsed());
    }
    let write = Moved { wall: started.elapsed(), latency, server_cpu_s: None };
    let mut latency = Stats::default();
    let started = Instant::now();
    for n in 0..files {
        let at = Instant::now();
        let read = std::fs::read(dir.join(format!("{n}.orig")))?;
        latency.push(at.elapsed());
        if read.len() != content.len() {
            return Err(std::io::Error::other("a file read back short"));
        }
    }
    let read = Moved { wall: started.elapsed(), latency, server_cpu_s: None };
    Ok((write, read))
}
