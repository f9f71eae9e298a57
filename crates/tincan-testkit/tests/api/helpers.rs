//! Small helpers shared by the suites.

use std::time::Duration;

use tincan_proto::Message;
use tincan_sdk::Event;
use tincan_sdk::tincan_proto::push::MessagePush;

/// How long a test waits for something that should be quick.
pub(crate) const WAIT: Duration = Duration::from_secs(10);

/// The message of a `Message` event.
pub(crate) fn message_of(event: &Event) -> Option<MessagePush> {
    match event {
        Event::Message(push) => Some(push.clone()),
        _ => None,
    }
}

/// The text of a message's first element.
pub(crate) fn text_of(message: &Message) -> &str {
    message.message_elem_array.first().and_then(|elem| elem.text_content()).unwrap_or_default()
}
