//! Message extensions (TIM `TIMMsgSetMessageExtensions`, `TIMMsgGetMessageExtensions`,
//! `TIMMsgDeleteMessageExtensions`).
//!
//! The server changes a key only from the seq it is at (see `docs/protocol.md`); TIM's methods
//! carry no seqs, so the client remembers the seq of every key it has seen (in answers and in
//! pushes) and sends it with a change that gives none, reading the message's extensions first
//! when it has not seen a key. A key someone else changed meanwhile is answered with 23001 and
//! the key as it is now, whose seq the client then remembers, so that trying again applies the
//! change over it.

use std::collections::HashMap;

use tincan_proto::api::{delete_message_extensions, get_message_extensions, set_message_extensions};
use tincan_proto::objects::{MessageExtension, MessageExtensionResult};
use tincan_proto::{ApiError, Message};

use crate::{Client, state_lock};

/// Keys whose seq the client remembers, at most; past it the memory starts again (a key not
/// remembered is read again before it is changed).
const EXTENSION_SEQS_MAX: usize = 65_536;

/// The seqs of the extension keys the client has seen, by message ID and key.
#[derive(Default)]
pub(crate) struct ExtensionSeqs {
    seqs: HashMap<(String, String), u64>,
}

impl ExtensionSeqs {
    /// Remembers what `extensions` of message `msg_id` are at.
    pub(crate) fn note(&mut self, msg_id: &str, extensions: &[MessageExtension]) {
        if self.seqs.len() + extensions.len() > EXTENSION_SEQS_MAX {
            self.seqs.clear();
        }
        for extension in extensions {
            let key = (msg_id.to_owned(), extension.message_extension_key.clone());
            let seq = self.seqs.entry(key).or_insert(0);
            *seq = (*seq).max(extension.message_extension_seq);
        }
    }

    fn get(&self, msg_id: &str, key: &str) -> Option<u64> {
        self.seqs.get(&(msg_id.to_owned(), key.to_owned())).copied()
    }
}

impl Client {
    /// A message's extensions (TIM `TIMMsgGetMessageExtensions`), each with its seq.
    pub async fn get_message_extensions(&self, message: &Message) -> Result<Vec<MessageExtension>, ApiError> {
        let request = get_message_extensions::Request { message: named(message) };
        let extensions = self.call(&request).await?.extensions;
        state_lock(&self.shared.extension_seqs).note(&message.message_msg_id, &extensions);
        Ok(extensions)
    }

    /// Sets a message's extensions (TIM `TIMMsgSetMessageExtensions`), one result per key: 0,
    /// or 23001 with the key as it is now when it changed since the seq this change was made
    /// from. An extension whose `message_extension_seq` is 0 is changed from the seq the client
    /// last saw.
    pub async fn set_message_extensions(
        &self,
        message: &Message,
        extensions: &[MessageExtension],
    ) -> Result<Vec<MessageExtensionResult>, ApiError> {
        let extensions = self.with_seqs(message, extensions).await?;
        let request = set_message_extensions::Request { message: named(message), extensions };
        let results = self.call(&request).await?.results;
        self.note_results(message, &results);
        Ok(results)
    }

    /// Deletes a message's extensions (TIM `TIMMsgDeleteMessageExtensions`): the keys given
    /// (values are ignored), or every one when none is; one result per key, as for
    /// [`Client::set_message_extensions`], and 23004 for a key that does not exist.
    pub async fn delete_message_extensions(
        &self,
        message: &Message,
        keys: &[MessageExtension],
    ) -> Result<Vec<MessageExtensionResult>, ApiError> {
        let extensions = self.with_seqs(message, keys).await?;
        let request = delete_message_extensions::Request { message: named(message), extensions };
        let results = self.call(&request).await?.results;
        self.note_results(message, &results);
        Ok(results)
    }

    /// `extensions` with the seq the client knows for each that gives none; reads the message's
    /// extensions first when a key is not known.
    async fn with_seqs(
        &self,
        message: &Message,
        extensions: &[MessageExtension],
    ) -> Result<Vec<MessageExtension>, ApiError> {
        let msg_id = &message.message_msg_id;
        let unknown = {
            let seqs = state_lock(&self.shared.extension_seqs);
            extensions
                .iter()
                .any(|it| it.message_extension_seq == 0 && seqs.get(msg_id, &it.message_extension_key).is_none())
        };
        if unknown && !msg_id.is_empty() {
            self.get_message_extensions(message).await?;
        }
        let seqs = state_lock(&self.shared.extension_seqs);
        Ok(extensions
            .iter()
            .map(|it| {
                let mut it = it.clone();
                if it.message_extension_seq == 0 {
                    it.message_extension_seq = seqs.get(msg_id, &it.message_extension_key).unwrap_or(0);
                }
                it
            })
            .collect())
    }

    fn note_results(&self, message: &Message, results: &[MessageExtensionResult]) {
        let items: Vec<MessageExtension> = results.iter().map(|it| it.message_extension_item.clone()).collect();
        state_lock(&self.shared.extension_seqs).note(&message.message_msg_id, &items);
    }
}

/// The keys of `message` that name it to the server.
fn named(message: &Message) -> Message {
    Message {
        message_conv_id: message.message_conv_id.clone(),
        message_conv_type: message.message_conv_type,
        message_msg_id: message.message_msg_id.clone(),
        message_seq: message.message_seq,
        ..Message::default()
    }
}
