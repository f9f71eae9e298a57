//! Small helpers shared by the suites.

use std::time::Duration;

use tincan_proto::{GroupId, Message, UserId};
use tincan_sdk::tincan_proto::objects::MessageReceipt;
use tincan_sdk::tincan_proto::push::MessagePush;
use tincan_sdk::{Event, Events};

/// How long a test waits for something that should be quick.
pub(crate) const WAIT: Duration = Duration::from_secs(10);

/// The message of a `Message` event.
pub(crate) fn message_of(event: &Event) -> Option<MessagePush> {
    match event {
        Event::Message(push) => Some(push.clone()),
        _ => None,
    }
}

/// The receipts of a `Receipts` event.
pub(crate) fn receipts_of(event: &Event) -> Option<Vec<MessageReceipt>> {
    match event {
        Event::Receipts(receipts) => Some(receipts.clone()),
        _ => None,
    }
}

/// The text of a message's first element.
pub(crate) fn text_of(message: &Message) -> &str {
    message.message_elem_array.first().and_then(|elem| elem.text_content()).unwrap_or_default()
}

/// A test user's identifier.
pub(crate) fn user(name: &str) -> UserId {
    UserId::parse(name).expect("a valid test user")
}

/// A test group's identifier.
pub(crate) fn group(name: &str) -> GroupId {
    GroupId::parse(name).expect("a valid test group ID")
}

pub(crate) use tincan_testkit::create_group;

/// Waits until `events` has been quiet for `quiet`, returning what came.
pub(crate) async fn settle(events: &mut Events, quiet: Duration) -> Vec<Event> {
    tincan_testkit::drain(events, quiet).await
}

/// A fresh app whose webhooks go to a new receiver, for `commands` only.
pub(crate) async fn app_with_webhooks(
    commands: &[&str],
) -> (tincan_testkit::TestApp, tincan_testkit::hooks::HookReceiver) {
    let app = tincan_testkit::spawn_app().await;
    let receiver = tincan_testkit::hooks::HookReceiver::start().await;
    app.admin()
        .call(
            "tincan",
            "set_app_config",
            &serde_json::json!({"callback_url": receiver.url, "callback_commands": commands}),
        )
        .await
        .unwrap();
    (app, receiver)
}
