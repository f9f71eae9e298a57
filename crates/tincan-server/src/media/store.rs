//! Where uploaded content is kept: the [`ContentStore`] interface and its local-disk backend.
//!
//! A stored object is named by its app and a random ID; an upload writes the original and, for
//! an image, its large and thumbnail sizes, plus a small JSON description (`meta`), which the
//! server indexes in memory at start. An S3-compatible backend implements the same trait, and so
//! does [`Shared`], the named bytes of a store the nodes of a cluster share.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use object_store::ObjectStoreExt as _;

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

/// A boxed future of a store call.
pub(crate) type StoreFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = io::Result<T>> + Send + 'a>>;

/// Keeps uploaded bytes.
pub(crate) trait ContentStore: Send + Sync {
    /// Stores `bytes` as `variant` of upload `id` of app `sdkappid`.
    fn put(&self, sdkappid: u64, id: &str, variant: Variant, bytes: Vec<u8>) -> StoreFuture<'_, ()>;
    /// The bytes of `variant` of upload `id`, if stored.
    fn get(&self, sdkappid: u64, id: &str, variant: Variant) -> StoreFuture<'_, Option<Vec<u8>>>;
    /// Stores the description of upload `id` (written last: an upload without one is incomplete
    /// and never indexed).
    fn put_meta(&self, sdkappid: u64, id: &str, meta: String) -> StoreFuture<'_, ()>;
    /// Every complete upload's app, ID and description.
    fn list_meta(&self) -> StoreFuture<'_, Vec<(u64, String, String)>>;
}

/// Runs blocking file work off the async workers.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> io::Result<T> + Send + 'static) -> io::Result<T> {
    tokio::task::spawn_blocking(work).await.map_err(io::Error::other)?
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
}

/// Writes through a temporary file and a rename, so that a reader never sees half a file.
fn write_file(path: PathBuf, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let temp = path.with_extension("partial");
    std::fs::write(&temp, bytes)?;
    std::fs::rename(&temp, &path)
}

fn list_dir(root: PathBuf) -> io::Result<Vec<(u64, String, String)>> {
    let mut found = Vec::new();
    let apps = match std::fs::read_dir(&root) {
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

/// Copies the complete uploads kept on the local disk under `root` into `blobs` (as [`Shared`]
/// keeps them), each one's sizes before its description, so that an upload is complete there
/// only once whole; returns how many. Copying again writes the same.
pub(crate) fn copy_local(root: &std::path::Path, blobs: &dyn tincan_store::Blobs) -> io::Result<usize> {
    let local = LocalDisk::new(root.to_owned());
    let uploads = list_dir(root.to_owned())?;
    for (sdkappid, id, meta) in &uploads {
        for variant in [Variant::Orig, Variant::Large, Variant::Thumb] {
            match std::fs::read(local.path(*sdkappid, id, variant.name())) {
                Ok(bytes) => blobs.put(*sdkappid, id, variant.name(), bytes).map_err(io::Error::other)?,
                Err(err) if err.kind() == io::ErrorKind::NotFound => {}
                Err(err) => return Err(err),
            }
        }
        blobs.put(*sdkappid, id, "json", meta.clone().into_bytes()).map_err(io::Error::other)?;
    }
    Ok(uploads.len())
}

impl ContentStore for LocalDisk {
    fn put(&self, sdkappid: u64, id: &str, variant: Variant, bytes: Vec<u8>) -> StoreFuture<'_, ()> {
        let path = self.path(sdkappid, id, variant.name());
        Box::pin(blocking(move || write_file(path, &bytes)))
    }

    fn get(&self, sdkappid: u64, id: &str, variant: Variant) -> StoreFuture<'_, Option<Vec<u8>>> {
        let path = self.path(sdkappid, id, variant.name());
        Box::pin(blocking(move || match std::fs::read(path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }))
    }

    fn put_meta(&self, sdkappid: u64, id: &str, meta: String) -> StoreFuture<'_, ()> {
        let path = self.path(sdkappid, id, "json");
        Box::pin(blocking(move || write_file(path, meta.as_bytes())))
    }

    fn list_meta(&self) -> StoreFuture<'_, Vec<(u64, String, String)>> {
        let root = self.root.clone();
        Box::pin(blocking(move || list_dir(root)))
    }
}

/// Content in a store the nodes of a cluster share ([`tincan_store::Blobs`]): each variant, and
/// the description as `json`, under its name; so the node serving after a takeover serves what
/// was uploaded before it.
///
/// What this node's local disk holds is read too, after the shared store: uploads a cluster of
/// an earlier version kept on the disk of the node serving at the time stay served whenever
/// that node serves, as they were.
pub(crate) struct Shared {
    blobs: Arc<dyn tincan_store::Blobs>,
    local: LocalDisk,
}

impl Shared {
    pub(crate) fn new(blobs: Arc<dyn tincan_store::Blobs>, local: PathBuf) -> Shared {
        Shared { blobs, local: LocalDisk::new(local) }
    }
}

impl ContentStore for Shared {
    fn put(&self, sdkappid: u64, id: &str, variant: Variant, bytes: Vec<u8>) -> StoreFuture<'_, ()> {
        let (blobs, id) = (self.blobs.clone(), id.to_owned());
        Box::pin(blocking(move || blobs.put(sdkappid, &id, variant.name(), bytes).map_err(io::Error::other)))
    }

    fn get(&self, sdkappid: u64, id: &str, variant: Variant) -> StoreFuture<'_, Option<Vec<u8>>> {
        let (blobs, owned) = (self.blobs.clone(), id.to_owned());
        // Made now, run only when the shared store has no such bytes.
        let local = self.local.get(sdkappid, id, variant);
        Box::pin(async move {
            match blocking(move || blobs.get(sdkappid, &owned, variant.name()).map_err(io::Error::other)).await? {
                Some(bytes) => Ok(Some(bytes)),
                None => local.await,
            }
        })
    }

    fn put_meta(&self, sdkappid: u64, id: &str, meta: String) -> StoreFuture<'_, ()> {
        let (blobs, id) = (self.blobs.clone(), id.to_owned());
        Box::pin(blocking(move || blobs.put(sdkappid, &id, "json", meta.into_bytes()).map_err(io::Error::other)))
    }

    fn list_meta(&self) -> StoreFuture<'_, Vec<(u64, String, String)>> {
        let blobs = self.blobs.clone();
        Box::pin(async move {
            let shared = blocking(move || blobs.list("json").map_err(io::Error::other)).await?;
            let mut found: std::collections::BTreeMap<(u64, String), String> =
                self.local.list_meta().await?.into_iter().map(|(sdkappid, id, meta)| ((sdkappid, id), meta)).collect();
            for (sdkappid, id, bytes) in shared {
                found.insert((sdkappid, id), String::from_utf8_lossy(&bytes).into_owned());
            }
            Ok(found.into_iter().map(|((sdkappid, id), meta)| (sdkappid, id, meta)).collect())
        })
    }
}

/// Content in an S3-compatible object store (through the `object_store` crate):
/// `<sdkappid>/<id>.<variant>` and `<id>.json` under the bucket.
pub(crate) struct S3 {
    store: Box<dyn object_store::ObjectStore>,
}

/// Where an S3-compatible store is and how to reach it.
#[derive(Clone, Debug)]
pub(crate) struct S3Config {
    /// The endpoint, e.g. `http://127.0.0.1:9000`.
    pub(crate) endpoint: String,
    /// The bucket (it must exist).
    pub(crate) bucket: String,
    /// The region the store expects (`us-east-1` when it does not care).
    pub(crate) region: String,
    /// The access key ID.
    pub(crate) access_key_id: String,
    /// The secret access key.
    pub(crate) secret_access_key: String,
}

impl S3Config {
    /// The store the `TINCAN_MEDIA_S3_*` variables name, if `ENDPOINT` and `BUCKET` are set.
    pub(crate) fn from_env() -> Option<S3Config> {
        let var = |name: &str| std::env::var(format!("TINCAN_MEDIA_S3_{name}")).ok().filter(|it| !it.is_empty());
        Some(S3Config {
            endpoint: var("ENDPOINT")?,
            bucket: var("BUCKET")?,
            region: var("REGION").unwrap_or_else(|| "us-east-1".to_owned()),
            access_key_id: var("ACCESS_KEY_ID").unwrap_or_default(),
            secret_access_key: var("SECRET_ACCESS_KEY").unwrap_or_default(),
        })
    }
}

impl S3 {
    pub(crate) fn new(config: &S3Config) -> io::Result<S3> {
        let store = object_store::aws::AmazonS3Builder::new()
            .with_endpoint(&config.endpoint)
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(&config.secret_access_key)
            .with_allow_http(config.endpoint.starts_with("http://"))
            .with_virtual_hosted_style_request(false)
            .build()
            .map_err(io::Error::other)?;
        Ok(S3 { store: Box::new(store) })
    }

    fn key(sdkappid: u64, id: &str, suffix: &str) -> object_store::path::Path {
        object_store::path::Path::from(format!("{sdkappid}/{id}.{suffix}"))
    }
}

impl ContentStore for S3 {
    fn put(&self, sdkappid: u64, id: &str, variant: Variant, bytes: Vec<u8>) -> StoreFuture<'_, ()> {
        let key = S3::key(sdkappid, id, variant.name());
        Box::pin(async move {
            self.store.put(&key, bytes.into()).await.map_err(io::Error::other)?;
            Ok(())
        })
    }

    fn get(&self, sdkappid: u64, id: &str, variant: Variant) -> StoreFuture<'_, Option<Vec<u8>>> {
        let key = S3::key(sdkappid, id, variant.name());
        Box::pin(async move {
            match self.store.get(&key).await {
                Ok(found) => Ok(Some(found.bytes().await.map_err(io::Error::other)?.to_vec())),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(err) => Err(io::Error::other(err)),
            }
        })
    }

    fn put_meta(&self, sdkappid: u64, id: &str, meta: String) -> StoreFuture<'_, ()> {
        let key = S3::key(sdkappid, id, "json");
        Box::pin(async move {
            self.store.put(&key, meta.into_bytes().into()).await.map_err(io::Error::other)?;
            Ok(())
        })
    }

    fn list_meta(&self) -> StoreFuture<'_, Vec<(u64, String, String)>> {
        Box::pin(async move {
            use futures_util::StreamExt as _;
            let mut listing = self.store.list(None);
            let mut found = Vec::new();
            while let Some(item) = listing.next().await {
                let item = item.map_err(io::Error::other)?;
                let key = item.location.to_string();
                let Some((app, name)) = key.split_once('/') else { continue };
                let (Ok(sdkappid), Some(id)) = (app.parse::<u64>(), name.strip_suffix(".json")) else { continue };
                let bytes = self.store.get(&item.location).await.map_err(io::Error::other)?;
                let text = String::from_utf8_lossy(&bytes.bytes().await.map_err(io::Error::other)?).into_owned();
                found.push((sdkappid, id.to_owned(), text));
            }
            Ok(found)
        })
    }
}
