//! Resume: a device that drops and comes back gets every event it missed, none twice.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use tincan_proto::UserId;
use tincan_proto::enums::{ConvType, GroupType};
use tincan_sdk::{Client, Event};
use tincan_testkit::{SDKAPPID, spawn_app, spawn_app_with, wait_for};

use crate::helpers::{WAIT, create_group, message_of};

#[tokio::test]
async fn a_device_that_drops_mid_stream_misses_nothing_and_sees_nothing_twice() {
    // Goal: while messages keep arriving, the receiving device's connection drops twice; every
    // message is delivered exactly once, in order.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let group_id = create_group(&alice, GroupType::WORK, &["bob"]).await;
    let total = 60u64;
    let sender = {
        let alice = alice.clone();
        let group_id = group_id.clone();
        tokio::spawn(async move {
            for index in 0..total {
                let (conv, conv_type) =
                    if index % 2 == 0 { ("bob", ConvType::C2C) } else { (group_id.as_str(), ConvType::GROUP) };
                alice.send_text(conv, conv_type, &format!("{index}"), false).await.unwrap();
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let mut seen: Vec<(String, u64)> = Vec::new();
    let mut drops = 0;
    while (seen.len() as u64) < total {
        let push = wait_for(&mut bob_events, WAIT, message_of).await;
        seen.push((push.message.message_conv_id.clone(), push.message.message_seq));
        if (seen.len() == 10 || seen.len() == 35) && drops < 2 {
            bob.reconnect().await;
            drops += 1;
        }
    }
    sender.await.unwrap();
    let unique: BTreeSet<&(String, u64)> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no message was delivered twice");
    for conv in ["alice", group_id.as_str()] {
        let seqs: Vec<u64> = seen.iter().filter(|(id, _)| id == conv).map(|(_, seq)| *seq).collect();
        assert_eq!(seqs, (1..=total / 2).collect::<Vec<u64>>(), "in order, none missing, for {conv}");
    }
    assert!(
        tincan_testkit::drain(&mut bob_events, Duration::from_millis(300))
            .await
            .iter()
            .all(|event| message_of(event).is_none())
    );
    app.stop().await;
}

#[tokio::test]
async fn a_device_that_comes_back_later_resumes_from_its_stored_position() {
    // Goal: a device closes, keeps its last position, and a later session resuming from it gets
    // exactly what happened meanwhile.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    alice.send_text("bob", ConvType::C2C, "before", false).await.unwrap();
    wait_for(&mut bob_events, WAIT, message_of).await;
    let stored = bob.last_pos();
    bob.close().await;
    drop(bob_events);
    for index in 0..5 {
        alice.send_text("bob", ConvType::C2C, &format!("while away {index}"), false).await.unwrap();
    }
    let mut config = app.config("bob");
    config.resume_pos = Some(stored);
    let (_bob_again, mut events) = Client::connect(config).await.unwrap();
    let mut replayed = Vec::new();
    loop {
        let event = tokio::time::timeout(WAIT, events.next()).await.unwrap().unwrap();
        match event {
            Event::Message(push) => replayed.push(push.message.message_seq),
            Event::Synced(_) => break,
            _ => {}
        }
    }
    assert_eq!(replayed, vec![2, 3, 4, 5, 6]);
    app.stop().await;
}

#[tokio::test]
async fn clients_reconnect_by_themselves_after_a_server_restart() {
    // Goal: the server goes away and comes back on the same address; the client reconnects,
    // resumes, and gets what was sent meanwhile by a sender on the new server.
    let app = spawn_app().await;
    let (_bob, mut bob_events) = app.client("bob").await;
    let (alice, _a) = app.client("alice").await;
    alice.send_text("bob", ConvType::C2C, "one", false).await.unwrap();
    wait_for(&mut bob_events, WAIT, message_of).await;
    alice.close().await;
    let app = app.bounce(Duration::from_millis(200)).await;
    let (alice, _a) = app.client("alice").await;
    alice.send_text("bob", ConvType::C2C, "two", false).await.unwrap();
    let push = wait_for(&mut bob_events, Duration::from_secs(20), message_of).await;
    assert_eq!(push.message.message_seq, 2);
    app.stop().await;
}

#[tokio::test]
async fn a_request_made_while_the_client_reconnects_fails_within_its_timeout() {
    // Goal: the server goes away and its address takes connections without ever answering, so
    // every reconnection waits out its whole timeout; a request made meanwhile is answered
    // with 9520 within its own timeout, counted from the call, not once the client is free to
    // take it (two reconnection attempts later).
    let app = spawn_app().await;
    let addr = app.addr;
    let mut config = app.config("alice");
    config.request_timeout = Duration::from_secs(3);
    let (alice, _events) = Client::connect(config).await.unwrap();
    app.stop().await;
    let silent = tokio::net::TcpListener::bind(addr).await.expect("the server's address is free again");
    let holding = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((connection, _)) = silent.accept().await {
            held.push(connection);
        }
    });
    // The client has noticed and is reconnecting into the silence.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let asked = Instant::now();
    let answer = alice.send_text("bob", ConvType::C2C, "while away", false).await;
    let waited = asked.elapsed();
    let error = answer.expect_err("no server answers");
    assert_eq!(error.code, tincan_proto::ErrorCode::NET_WAIT_ACK_TIMEOUT, "{error:?}");
    assert!(waited < Duration::from_millis(4_500), "answered after {waited:?}, past the 3 s timeout");
    holding.abort();
}

#[tokio::test]
async fn a_device_offline_during_membership_changes_gets_their_tips_on_resume() {
    // Goal: group tips stored while a member's device was away are replayed when it resumes,
    // like any other message.
    let app = spawn_app().await;
    let (owner, _o) = app.client("owner").await;
    let (member, mut member_events) = app.client("member").await;
    let (_newcomer, _n) = app.client("newcomer").await;
    let group_id = create_group(&owner, GroupType::WORK, &["member"]).await;
    owner.send_text(&group_id, ConvType::GROUP, "hello", false).await.unwrap();
    wait_for(&mut member_events, WAIT, message_of).await;
    let stored = member.last_pos();
    member.close().await;
    owner.invite_members(&group_id, &["newcomer"]).await.unwrap();
    let mut config = app.config("member");
    config.resume_pos = Some(stored);
    let (_member_again, mut events) = Client::connect(config).await.unwrap();
    let tips = wait_for(&mut events, WAIT, message_of).await;
    assert_eq!(tips.message.message_sender, "@TIM#SYSTEM");
    assert_eq!(tips.message.message_elem_array[0].0["group_tips_elem_user_array"], serde_json::json!(["newcomer"]));
    app.stop().await;
}

#[tokio::test]
async fn a_resume_position_beyond_the_server_is_clamped() {
    // Goal: a device whose stored position is beyond anything the server has (a restored data
    // directory) still receives pushes.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let mut config = app.config("bob");
    config.resume_pos = Some(1_000_000_000);
    let (_bob, mut bob_events) = Client::connect(config).await.unwrap();
    alice.send_text("bob", ConvType::C2C, "can you hear me", false).await.unwrap();
    let push = wait_for(&mut bob_events, WAIT, message_of).await;
    assert_eq!(crate::helpers::text_of(&push.message), "can you hear me");
    app.stop().await;
}

#[tokio::test]
async fn a_device_that_stops_reading_is_closed_while_everyone_else_is_served() {
    // Goal: a device that never reads its pushes falls behind and is closed by the server
    // without having to read anything (its queue is bounded and nothing waits on it for ever);
    // others are served meanwhile; what it did receive is an unbroken run, and resuming from its
    // last position delivers the rest, each message once.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (_carol, mut carol_events) = app.client("carol").await;
    let mut bob_raw = app.raw_socket("bob").await;
    let bob = UserId::parse("bob").unwrap();
    // Enough pushes of about 2 KB to fill the socket buffers (the server's send buffer can grow
    // to tcp_wmem's maximum) and then the server's queue of 4,096 pushes.
    let wmem_max: u64 = std::fs::read_to_string("/proc/sys/net/ipv4/tcp_wmem")
        .ok()
        .and_then(|text| text.split_whitespace().last()?.parse().ok())
        .unwrap_or(4 << 20);
    let lanes = 20u64;
    let total = ((wmem_max + (2 << 20)) / 2_000 + 4_096 + 500).div_ceil(lanes) * lanes;
    let mut senders = tokio::task::JoinSet::new();
    for lane in 0..lanes {
        let alice = alice.clone();
        senders.spawn(async move {
            for index in 0..total / lanes {
                let text = format!("lane {lane} message {index} {}", "x".repeat(2_000));
                alice.send_text("bob", ConvType::C2C, &text, false).await.unwrap();
            }
        });
    }
    // Others are served while bob's pushes pile up.
    alice.send_text("carol", ConvType::C2C, "served meanwhile", false).await.unwrap();
    let push = wait_for(&mut carol_events, WAIT, message_of).await;
    assert_eq!(push.message.message_sender, "alice");
    while let Some(done) = senders.join_next().await {
        done.unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while !app.engine().online_platforms(SDKAPPID, &bob).is_empty() {
        assert!(Instant::now() < deadline, "the device that does not read is still attached");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The socket ends; what it carried is an unbroken run of bob's positions.
    let frames = bob_raw.read_until_closed(Duration::from_secs(20)).await;
    let positions: Vec<u64> =
        frames.iter().filter(|frame| frame["push"] == "message").filter_map(|frame| frame["pos"].as_u64()).collect();
    assert!(!positions.is_empty() && (positions.len() as u64) < total, "some pushes, not all: {}", positions.len());
    assert!(positions.windows(2).all(|pair| pair[1] == pair[0] + 1), "no gap and no repeat in what was received");
    // Resuming from the last position received delivers exactly the rest.
    let mut config = app.config("bob");
    config.resume_pos = positions.last().copied();
    let (_bob_again, mut bob_events) = Client::connect(config).await.unwrap();
    let first = positions.last().copied().unwrap_or_default() + 1;
    for expected in first..first + total - positions.len() as u64 {
        let push = wait_for(&mut bob_events, WAIT, message_of).await;
        assert_eq!(push.message.message_sender, "alice");
        assert_eq!(push.message.message_unique_id, expected, "resumed in order, none missing");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_silent_connection_is_closed_after_three_heartbeats_and_a_pinging_one_stays() {
    // Goal: the login tells clients the heartbeat interval; a connection that sends nothing for
    // three intervals is told why (9508) and closed; a client that pings stays connected.
    let app = spawn_app_with(|config| config.heartbeat_interval = Duration::from_secs(1)).await;
    let (alice, _alice_events) = app.client("alice").await;
    let alice_id = UserId::parse("alice").unwrap();
    let mut silent = app.raw_socket("bob").await;
    let started = Instant::now();
    let frames = silent.read_until_closed(Duration::from_secs(15)).await;
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(2_500), "closed after only {waited:?}");
    let kicked = frames.iter().find(|frame| frame["push"] == "kicked").expect("a kicked push before the close");
    assert_eq!(kicked["data"]["code"], 9508, "{kicked}");
    assert!(kicked["data"]["desc"].as_str().unwrap().contains("heartbeat_interval_ms"), "{kicked}");
    // Alice's SDK has been pinging every second all along.
    tokio::time::sleep(Duration::from_secs(4).saturating_sub(started.elapsed())).await;
    assert!(!app.engine().online_platforms(SDKAPPID, &alice_id).is_empty(), "the pinging client was closed");
    alice.total_unread().await.expect("and it still answers");
    app.stop().await;
}

#[tokio::test]
async fn resumes_between_interleaved_c2c_and_group_traffic_lose_and_repeat_nothing() {
    // Goal: a device that keeps resuming from its last delivered position while one user floods
    // its group and another floods it with C2C messages receives every acknowledged message
    // exactly once, whatever order the writer interleaved the two kinds in. Written without the
    // SDK: positions are deduplicated here as `docs/protocol.md` tells a client to.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (carol, _c) = app.client("carol").await;
    let (_reader, _r) = app.client("reader").await;
    let group_id = create_group(&alice, GroupType::WORK, &["reader"]).await;
    // The device's first position is taken before any traffic, so everything sent is its to receive.
    let (_, login) = app.raw_socket_resuming("reader", None).await;
    let mut last_pos = login["data"]["pos"].as_u64();
    // `TINCAN_LONG=1` (the long standing suite) runs it at ten times the traffic.
    let long = std::env::var_os("TINCAN_LONG").is_some();
    let per_lane = if long { 1_500u64 } else { 150 };
    let lanes = 4u64;
    let mut senders = tokio::task::JoinSet::new();
    for lane in 0..lanes {
        let (alice, carol, group_id) = (alice.clone(), carol.clone(), group_id.clone());
        senders.spawn(async move {
            let mut acknowledged = Vec::new();
            for index in 0..per_lane {
                let (client, conv, conv_type) = if (index + lane) % 2 == 0 {
                    (&carol, "reader", ConvType::C2C)
                } else {
                    (&alice, group_id.as_str(), ConvType::GROUP)
                };
                let sent = client.send_text(conv, conv_type, &format!("{lane}/{index}"), false).await.unwrap();
                let conv_id = if conv_type == ConvType::C2C { "carol".to_owned() } else { group_id.clone() };
                acknowledged.push((conv_id, sent.message_seq));
            }
            acknowledged
        });
    }
    let mut received: Vec<(String, u64)> = Vec::new();
    let mut cycles = 0;
    let read_cycle = async |last_pos: &mut Option<u64>, received: &mut Vec<(String, u64)>, live: Duration| {
        let (mut socket, login) = app.raw_socket_resuming("reader", *last_pos).await;
        let mut last = last_pos.unwrap_or_else(|| login["data"]["pos"].as_u64().unwrap());
        let mut synced = false;
        let mut live_until = None;
        loop {
            let wait = match live_until {
                Some(until) => until - Instant::now().min(until),
                None => WAIT,
            };
            let Some(frame) = socket.next_frame_within(wait).await else {
                assert!(synced, "no synced push within {WAIT:?}");
                break;
            };
            let pos = frame["pos"].as_u64().unwrap_or_default();
            match frame["push"].as_str() {
                Some("synced") => {
                    last = last.max(frame["data"]["pos"].as_u64().unwrap());
                    synced = true;
                    live_until = Some(Instant::now() + live);
                }
                Some(_) if pos <= last => {}
                Some(kind) => {
                    last = pos;
                    let message = &frame["data"]["message"];
                    if kind == "message" && message["message_sender"] != "@TIM#SYSTEM" {
                        let conv = message["message_conv_id"].as_str().unwrap().to_owned();
                        received.push((conv, message["message_seq"].as_u64().unwrap()));
                    }
                }
                None => {}
            }
        }
        *last_pos = Some(last);
        // The connection is dropped without a goodbye, as a lost network would.
        drop(socket);
    };
    let mut acknowledged = Vec::new();
    while !senders.is_empty() && cycles < if long { 4_000 } else { 400 } {
        let live = Duration::from_millis(rand::random::<u64>() % 15);
        read_cycle(&mut last_pos, &mut received, live).await;
        cycles += 1;
        while let Some(done) = senders.try_join_next() {
            acknowledged.extend(done.unwrap());
        }
    }
    while let Some(done) = senders.join_next().await {
        acknowledged.extend(done.unwrap());
    }
    read_cycle(&mut last_pos, &mut received, Duration::from_millis(500)).await;
    assert!(cycles > 10, "only {cycles} resumes happened during the traffic");
    let unique: BTreeSet<&(String, u64)> = received.iter().collect();
    assert_eq!(unique.len(), received.len(), "a message was delivered twice");
    let expected: BTreeSet<&(String, u64)> = acknowledged.iter().collect();
    let missing: Vec<_> = expected.difference(&unique).collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged messages were never delivered over {cycles} resumes: {missing:?}",
        missing.len(),
        expected.len()
    );
    assert_eq!(unique, expected, "only what was sent was delivered");
    app.stop().await;
}

#[tokio::test]
async fn an_application_that_falls_behind_its_events_is_told_and_loses_none() {
    // Goal: the client keeps at most events_max events the application has not taken; past it
    // the client stops receiving, says so (Overflowed) once the application has caught up, and
    // resumes, so every message arrives once, in order.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let mut config = app.config("bob");
    config.events_max = 20;
    let (_bob, mut bob_events) = Client::connect(config).await.unwrap();
    let total = 150u64;
    for index in 0..total {
        alice.send_text("bob", ConvType::C2C, &format!("{index}"), false).await.unwrap();
    }
    let mut seqs = Vec::new();
    let mut overflowed = 0;
    while (seqs.len() as u64) < total {
        match tokio::time::timeout(WAIT, bob_events.next()).await.expect("events keep coming").expect("the client runs")
        {
            Event::Message(push) => seqs.push(push.message.message_seq),
            Event::Overflowed { .. } => overflowed += 1,
            _ => {}
        }
    }
    assert!(overflowed >= 1, "the application was told it fell behind");
    assert_eq!(seqs, (1..=total).collect::<Vec<u64>>(), "every message once, in order");
    app.stop().await;
}
