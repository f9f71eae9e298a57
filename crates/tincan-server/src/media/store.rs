//! Where uploaded content is kept: the [`ContentStore`] interface and its local-disk backend.
//!
//! A stored object is named by its app and a random ID; an upload writes the original and, for
//! an image, its large and thumbnail sizes, plus a small JSON description (`meta`), which the
//! server indexes in memory at start. An S3-compatible backend implements the same trait.

use std::io;
use std::path::PathBuf;

/// One stored variant of an upload: the original, or an image's large or thumbnail size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Variant {
    Orig,
    Large,
    Thumb,
}

impl Variant {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Variant::Orig => "orig",
            Variant::Large => "large",
            Variant::Thumb => "thumb",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Variant> {
        match text {
            "orig" => Some(Variant::Orig),
            "large" => Some(Variant::Large),
            "thumb" => Some(Variant::Thumb),
            _ => None,
        }
    }
}

/// Keeps uploaded bytes. Every call is blocking; the server calls it off the async workers.
pub(crate) trait ContentStore: Send + Sync {
    /// Stores `bytes` as `variant` of upload `id` of app `sdkappid`.
    fn put(&self, sdkappid: u64, id: &str, variant: Variant, bytes: &[u8]) -> io::Result<()>;
    /// The bytes of `variant` of upload `id`, if stored.
    fn get(&self, sdkappid: u64, id: &str, variant: Variant) -> io::Result<Option<Vec<u8>>>;
    /// Stores the description of upload `id` (written last: an upload without one is incomplete
    /// and never indexed).
    fn put_meta(&self, sdkappid: u64, id: &str, meta: &str) -> io::Result<()>;
    /// Every complete upload's app, ID and description.
    fn list_meta(&self) -> io::Result<Vec<(u64, String, String)>>;
}

/// Content on the local disk: `<root>/<sdkappid>/<id>.<variant>` and `<id>.json`.
pub(crate) struct LocalDisk {
    root: PathBuf,
}

impl LocalDisk {
    pub(crate) fn new(root: PathBuf) -> LocalDisk {
        LocalDisk { root }
    }

    fn path(&self, sdkappid: u64, id: &str, suffix: &str) -> PathBuf {
        self.root.join(sdkappid.to_string()).join(format!("{id}.{suffix}"))
    }

    /// Writes through a temporary file and a rename, so that a reader never sees half a file.
    fn write(&self, path: PathBuf, bytes: &[u8]) -> io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let temp = path.with_extension("partial");
        std::fs::write(&temp, bytes)?;
        std::fs::rename(&temp, &path)
    }
}

impl ContentStore for LocalDisk {
    fn put(&self, sdkappid: u64, id: &str, variant: Variant, bytes: &[u8]) -> io::Result<()> {
        self.write(self.path(sdkappid, id, variant.name()), bytes)
    }

    fn get(&self, sdkappid: u64, id: &str, variant: Variant) -> io::Result<Option<Vec<u8>>> {
        match std::fs::read(self.path(sdkappid, id, variant.name())) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }

    fn put_meta(&self, sdkappid: u64, id: &str, meta: &str) -> io::Result<()> {
        self.write(self.path(sdkappid, id, "json"), meta.as_bytes())
    }

    fn list_meta(&self) -> io::Result<Vec<(u64, String, String)>> {
        let mut found = Vec::new();
        let apps = match std::fs::read_dir(&self.root) {
            Ok(apps) => apps,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(found),
            Err(err) => return Err(err),
        };
        for app in apps {
            let app = app?;
            let Some(sdkappid) = app.file_name().to_str().and_then(|it| it.parse::<u64>().ok()) else { continue };
            for file in std::fs::read_dir(app.path())? {
                let path = file?.path();
                let Some(name) = path.file_name().and_then(|it| it.to_str()) else { continue };
                let Some(id) = name.strip_suffix(".json") else { continue };
                found.push((sdkappid, id.to_owned(), std::fs::read_to_string(&path)?));
            }
        }
        Ok(found)
    }
}
