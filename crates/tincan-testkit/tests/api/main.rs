//! Black-box tests: a real server on 127.0.0.1:0, driven through `tincan-sdk` and the REST API.
//!
//! One binary (this file declares the modules) so the suite links once.

mod apps;
mod auth;
mod authz;
mod conversations;
mod extensions;
mod follows;
mod friends;
mod full_disk;
mod fuzz_corpus;
mod group_attributes;
mod group_invitations;
mod group_messages_admin;
mod group_profiles;
mod group_webhooks;
mod groups;
mod helpers;
mod history;
mod imports;
mod large_group;
mod lifecycle;
mod media;
mod messaging;
mod profiles;
mod property;
mod receipts;
mod receive_options;
mod rejections;
mod rest_accounts;
mod rest_groups;
mod rest_messages;
mod rest_recentcontact;
mod rest_sns;
mod resume;
mod slow_connections;
mod store_loss;
mod unread;
mod web_console;
mod webhooks;
