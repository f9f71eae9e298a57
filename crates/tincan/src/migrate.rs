//! `tincan migrate`: copies the embedded store of a data directory into PostgreSQL, and its
//! uploaded media into the table where a cluster's nodes keep it.

use std::path::PathBuf;

use anyhow::anyhow;
use clap::Args;

use crate::DATA_DEFAULT;
use crate::serve::without_password;

/// `tincan migrate`.
#[derive(Args)]
pub(crate) struct MigrateArgs {
    /// The data directory whose embedded store is copied (stop the server using it first).
    #[arg(long, default_value = DATA_DEFAULT)]
    pub(crate) from: PathBuf,
    /// The PostgreSQL database to copy it into (postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE);
    /// it must hold no tincan data yet.
    #[arg(long)]
    pub(crate) to: String,
}

pub(crate) async fn run(args: MigrateArgs) -> anyhow::Result<()> {
    if !tincan_store_postgres::is_postgres_url(&args.to) {
        return Err(anyhow!("--to {:?} is not a postgres:// URL", without_password(&args.to)));
    }
    let (from, to) = (args.from.clone(), args.to.clone());
    let report = tokio::task::spawn_blocking(move || tincan_store_postgres::import::from_sqlite(&from, &to))
        .await
        .map_err(|err| anyhow!("the copy stopped: {err}"))?
        .map_err(|err| {
            anyhow!(
                "cannot copy the store in {} to {}: {err}; nothing was written to PostgreSQL",
                args.from.display(),
                without_password(&args.to)
            )
        })?;
    let rows: u64 = report.iter().map(|(_, rows)| rows).sum();
    println!(
        "copied the store in {} to {}: {rows} rows in {} tables",
        args.from.display(),
        without_password(&args.to),
        report.len()
    );
    for (table, rows) in &report {
        println!("  {table:<20} {rows}");
    }
    // Media too, for a cluster's nodes, which keep it in PostgreSQL (a single server on
    // PostgreSQL goes on reading it from the data directory).
    let (from, to) = (args.from.clone(), args.to.clone());
    let uploads = tokio::task::spawn_blocking(move || {
        let blobs = tincan_store_postgres::PostgresBlobs::open(&to).map_err(std::io::Error::other)?;
        tincan_server::copy_local_media(&from, &blobs)
    })
    .await
    .map_err(|err| anyhow!("the copy of media stopped: {err}"))?
    .map_err(|err| {
        anyhow!(
            "the store was copied, but not every upload of {}: {err}; a cluster's nodes serve only the uploads copied, and running this copy again into a fresh database copies them all",
            args.from.join("media").display()
        )
    })?;
    println!("  {:<20} {uploads}", "media uploads");
    println!("serve it with the same data directory, which keeps the app keys and media:");
    println!(
        "  tincan serve --data {} --store {}",
        crate::serve::shell_word(&args.from.display().to_string()),
        crate::serve::shell_word(&without_password(&args.to))
    );
    Ok(())
}
