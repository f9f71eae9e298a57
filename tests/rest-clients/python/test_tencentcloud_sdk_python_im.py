"""`tencentcloud-sdk-python-im` (PyPI, `TCIMClient`) against tincan, unchanged.

The library takes TIM's REST base URL as its `tencent_url` argument, so pointing it at tincan is
configuration only: `TCIMClient(sdkappid, key, "administrator", tencent_url="http://.../v4")`.
It makes the administrator's UserSig itself from the key (Tencent's `tls-sig-api-v2`). Its
methods return the `requests.Response`; the tests read the JSON the way the library documents it.
"""

import re
import time

import pytest
from tencentcloud_im.tcim_client import (
    BatchMessageObj,
    GroupMemObj,
    GroupMessageObj,
    GroupObj,
    MessageFile,
    MessageObj,
    MessageText,
    TCIMClient,
)

from conftest import ADMIN, KEY, SDKAPPID

MSG_KEY = re.compile(r"^\d+_\d+_\d+$")


@pytest.fixture
def im(server):
    return TCIMClient(SDKAPPID, KEY, ADMIN, tencent_url=server.rest_base)


def ok(response):
    """The body of a successful call, checked the way TIM answers: HTTP 200 and ActionStatus OK."""
    assert response is not None, "the library caught an exception (it logs it and returns None)"
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ActionStatus"] == "OK", body
    assert body["ErrorCode"] == 0, body
    assert body["ErrorInfo"] == "", body
    return body


def batch_key_for(roam, text):
    """The MsgKey of the message in an admin_getroammsg answer whose first element is `text`."""
    [key] = [m["MsgKey"] for m in roam["MsgList"] if m["MsgBody"][0]["MsgContent"].get("Text") == text]
    return key


def test_accounts(im, server):
    assert ok(im.add_single_user("tc_alice", "Alice", "https://example.invalid/alice.png")) == {
        "ActionStatus": "OK",
        "ErrorCode": 0,
        "ErrorInfo": "",
    }
    assert ok(im.batch_add_users(["tc_bob", "tc_carol", "tc_dave"]))["FailAccounts"] == []

    checked = ok(im.search_user(["tc_alice", "tc_bob", "tc_nobody"]))["ResultItem"]
    assert [(item["UserID"], item["ResultCode"], item["AccountStatus"]) for item in checked] == [
        ("tc_alice", 0, "Imported"),
        ("tc_bob", 0, "Imported"),
        ("tc_nobody", 0, "NotImported"),
    ]

    alice = server.online("tc_alice")
    try:
        online = ok(im.check_user_online(["tc_alice", "tc_bob", "tc_ghost"]))
        assert [(item["To_Account"], item["Status"]) for item in online["QueryResult"]] == [
            ("tc_alice", "Online"),
            ("tc_bob", "Offline"),
        ]
        assert online["QueryResult"][0]["Detail"] == [{"Platform": "Web", "Status": "Online"}]
        assert online["ErrorList"] == [{"To_Account": "tc_ghost", "ErrorCode": 70107}]

        ok(im.abolition_user_sig("tc_alice"))  # kick: her session ends with "logged out"
        alice.wait_for('"code":6208')
    finally:
        alice.stop()
    online = ok(im.check_user_online(["tc_alice"]))
    assert [(item["To_Account"], item["Status"]) for item in online["QueryResult"]] == [("tc_alice", "Offline")]

    deleted = ok(im.del_user(["tc_dave", "tc_ghost"]))["ResultItem"]
    assert [(item["UserID"], item["ResultCode"]) for item in deleted] == [("tc_dave", 0), ("tc_ghost", 70107)]
    checked = ok(im.search_user(["tc_dave"]))["ResultItem"]
    assert checked[0]["AccountStatus"] == "NotImported"


def test_c2c_messages_history_and_unread(im):
    ok(im.batch_add_users(["tc_ann", "tc_ben", "tc_cat"]))
    before = int(time.time())

    sent = ok(im.send_message(MessageObj("tc_ann", "tc_ben", text_messages=[MessageText("hello ben")])))
    assert MSG_KEY.match(sent["MsgKey"]), sent
    assert isinstance(sent["MsgTime"], int) and sent["MsgTime"] >= before
    assert isinstance(sent["MsgId"], str) and sent["MsgId"]

    batch = ok(
        im.batch_send_message(
            BatchMessageObj("tc_ann", ["tc_ben", "tc_cat", "tc_nobody"], text_messages=[MessageText("hello all")])
        )
    )
    assert MSG_KEY.match(batch["MsgKey"]), batch
    assert [item["To_Account"] for item in batch["ErrorList"]] == ["tc_nobody"]

    # A file with a caption and the app's own data, as the library builds them.
    attached = ok(
        im.send_message(
            MessageObj(
                "tc_ben",
                "tc_ann",
                text_messages=[MessageText("the minutes")],
                attachment_messages=[MessageFile("https://example.invalid/minutes.pdf", 2048, "minutes.pdf")],
                extra_data='{"topic":"minutes"}',
            )
        )
    )

    unread = ok(im.get_unread_num("tc_ben", ["tc_ann"]))
    assert unread["AllC2CUnreadMsgNum"] == 2
    assert unread["C2CUnreadMsgNumList"] == [{"Peer_Account": "tc_ann", "C2CUnreadMsgNum": 2}]

    # The library asks with TIM's older From_Account/To_Account spelling.
    window = (before - 60, int(time.time()) + 60)
    roam = ok(im.get_message_list("tc_ben", "tc_ann", 10, *window))
    assert roam["Complete"] == 1
    assert roam["MsgCnt"] == 3
    assert [message["MsgBody"] for message in roam["MsgList"]] == [
        [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello ben"}}],
        [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello all"}}],
        [
            {"MsgType": "TIMTextElem", "MsgContent": {"Text": "the minutes"}},
            {
                "MsgType": "TIMFileElem",
                "MsgContent": {
                    "Url": "https://example.invalid/minutes.pdf",
                    "FileSize": 2048,
                    "FileName": "minutes.pdf",
                    "Download_Flag": 2,
                },
            },
        ],
    ]
    first, last = roam["MsgList"][0], roam["MsgList"][-1]
    assert (first["From_Account"], first["To_Account"], first["MsgKey"]) == ("tc_ann", "tc_ben", sent["MsgKey"])
    assert (last["From_Account"], last["To_Account"], last["MsgKey"]) == ("tc_ben", "tc_ann", attached["MsgKey"])
    assert last["CloudCustomData"] == '{"topic":"minutes"}'
    assert roam["LastMsgKey"] == sent["MsgKey"]

    # Page by page, newest first, as the library's last_message_key parameter is meant for.
    keys = []
    page = ok(im.get_message_list("tc_ben", "tc_ann", 1, *window))
    while True:
        assert page["MsgCnt"] == 1
        keys.append(page["MsgList"][0]["MsgKey"])
        if page["Complete"] == 1:
            break
        page = ok(im.get_message_list("tc_ben", "tc_ann", 1, window[0], page["LastMsgTime"], page["LastMsgKey"]))
    assert keys == [attached["MsgKey"], batch_key_for(roam, "hello all"), sent["MsgKey"]]

    ok(im.set_user_message_read("tc_ben", "tc_ann"))
    unread = ok(im.get_unread_num("tc_ben", ["tc_ann"]))
    assert unread["AllC2CUnreadMsgNum"] == 0
    assert unread["C2CUnreadMsgNumList"] == [{"Peer_Account": "tc_ann", "C2CUnreadMsgNum": 0}]


def test_groups(im):
    ok(im.batch_add_users(["tc_owner", "tc_m1", "tc_m2", "tc_m3"]))

    group = GroupObj(
        "tc_owner",
        "Public",
        "tc group",
        introdction="what we talk about",
        mem_list=[GroupMemObj("tc_m1")],
    )
    created = ok(im.create_group(group))
    group_id = created["GroupId"]
    assert isinstance(group_id, str) and group_id

    infos = ok(im.get_group_detail([group_id, "@TGS#nosuchgroup"]))["GroupInfo"]
    info = infos[0]
    assert info["GroupId"] == group_id
    assert info["ErrorCode"] == 0
    assert (info["Type"], info["Name"], info["Introduction"]) == ("Public", "tc group", "what we talk about")
    assert info["Owner_Account"] == "tc_owner"
    assert (info["MemberNum"], info["MaxMemberNum"]) == (2, 500)
    assert {member["Member_Account"]: member["Role"] for member in info["MemberList"]} == {
        "tc_owner": "Owner",
        "tc_m1": "Member",
    }
    assert infos[1]["GroupId"] == "@TGS#nosuchgroup"
    assert infos[1]["ErrorCode"] != 0

    members = ok(im.get_group_mem_info_detail(group_id))
    assert members["MemberNum"] == 2
    assert sorted(member["Member_Account"] for member in members["MemberList"]) == ["tc_m1", "tc_owner"]
    owners = ok(im.get_group_mem_info_detail(group_id, memRoleFilter=["Owner"], memInfoFilter=["Role", "JoinTime"]))
    assert [(member["Member_Account"], member["Role"]) for member in owners["MemberList"]] == [("tc_owner", "Owner")]
    assert isinstance(owners["MemberList"][0]["JoinTime"], int)

    ok(
        im.update_group_baseinfo(
            group_id, group_name="tc renamed", notification="read me", max_member_num=100, appJoinOption="FreeAccess"
        )
    )
    info = ok(im.get_group_detail([group_id]))["GroupInfo"][0]
    assert (info["Name"], info["Notification"], info["MaxMemberNum"], info["ApplyJoinOption"]) == (
        "tc renamed",
        "read me",
        100,
        "FreeAccess",
    )

    added = ok(im.add_group_member(group_id, [GroupMemObj("tc_m2"), GroupMemObj("tc_m3"), GroupMemObj("tc_m1")]))
    assert {item["Member_Account"]: item["Result"] for item in added["MemberList"]} == {
        "tc_m2": 1,
        "tc_m3": 1,
        "tc_m1": 2,
    }
    ok(im.delete_group_mem(group_id, ["tc_m3"]))
    assert ok(im.get_group_mem_info_detail(group_id))["MemberNum"] == 3

    joined = ok(im.get_joined_groups("tc_m2"))
    assert joined["TotalCount"] == 1
    assert joined["GroupIdList"][0]["GroupId"] == group_id
    assert joined["GroupIdList"][0]["SelfInfo"]["Role"] == "Member"

    side_id = ok(im.create_group(GroupObj("tc_owner", "Private", "tc side")))["GroupId"]
    every = ok(im.get_group())
    listed = [item["GroupId"] for item in every["GroupIdList"]]
    assert {group_id, side_id} <= set(listed)
    assert every["TotalCount"] == len(listed)
    assert every["Next"] == 0
    paged, next_num = [], 0
    while True:
        page = ok(im.get_group(limit_nm=1, next_num=next_num))
        assert len(page["GroupIdList"]) == 1
        paged += [item["GroupId"] for item in page["GroupIdList"]]
        next_num = page["Next"]
        if next_num == 0:
            break
    assert paged == listed
    private = ok(im.get_group(group_type="Private"))
    assert [item["GroupId"] for item in private["GroupIdList"]] == [side_id]
    assert private["TotalCount"] == 1
    ok(im.delete_group(side_id))

    first = ok(im.send_group_message(group_id, [MessageText("hi group")], from_account="tc_m1"))
    second = ok(im.send_group_message(group_id, [MessageText("second")], from_account="tc_m2", msgPriority="High"))
    assert isinstance(first["MsgSeq"], int) and second["MsgSeq"] > first["MsgSeq"]

    history = ok(im.get_msg_in_group(group_id, 10))
    assert history["GroupId"] == group_id
    texts = [
        (message["MsgSeq"], message["From_Account"], message["MsgBody"][0]["MsgContent"]["Text"])
        for message in history["RspMsgList"]
        if message["IsPlaceMsg"] == 0 and message["MsgBody"][0]["MsgType"] == "TIMTextElem"
    ]
    assert texts == [(second["MsgSeq"], "tc_m2", "second"), (first["MsgSeq"], "tc_m1", "hi group")]
    for message in history["RspMsgList"]:
        assert all(isinstance(message[key], int) for key in ("MsgSeq", "MsgRandom", "MsgTimeStamp", "MsgPriority"))

    ok(im.delete_group(group_id))
    gone = ok(im.get_group_detail([group_id]))["GroupInfo"][0]
    assert gone["ErrorCode"] == 10010


def test_revoking_messages(im):
    ok(im.batch_add_users(["tc_rv_a", "tc_rv_b", "tc_rv_c"]))
    window = (int(time.time()) - 60, int(time.time()) + 60)
    first = ok(im.send_message(MessageObj("tc_rv_a", "tc_rv_b", text_messages=[MessageText("take this back")])))
    ok(im.send_message(MessageObj("tc_rv_a", "tc_rv_b", text_messages=[MessageText("this stays")])))
    assert ok(im.get_unread_num("tc_rv_b", ["tc_rv_a"]))["AllC2CUnreadMsgNum"] == 2

    ok(im.draw_message("tc_rv_a", "tc_rv_b", first["MsgKey"]))
    # Revoked: no longer unread, and history keeps it without its content.
    assert ok(im.get_unread_num("tc_rv_b", ["tc_rv_a"]))["AllC2CUnreadMsgNum"] == 1
    roam = ok(im.get_message_list("tc_rv_b", "tc_rv_a", 10, *window))
    revoked = [message for message in roam["MsgList"] if message["MsgKey"] == first["MsgKey"]]
    assert len(revoked) == 1 and revoked[0]["MsgBody"] == [], roam
    # Again: nothing to do, and no error.
    ok(im.draw_message("tc_rv_a", "tc_rv_b", first["MsgKey"]))

    group_id = ok(im.create_group(GroupObj("tc_rv_a", "Public", "recall group", mem_list=[GroupMemObj("tc_rv_c")])))["GroupId"]
    sent = ok(im.send_group_message(group_id, [MessageText("oops")], from_account="tc_rv_c"))
    recalled = ok(im.recall_group_message(group_id, [sent["MsgSeq"], 999]))
    assert recalled["RecallRetList"] == [{"MsgSeq": sent["MsgSeq"], "RetCode": 0}, {"MsgSeq": 999, "RetCode": 10030}]


def test_importing_messages(im):
    """`import_message_to_im` (SyncFromOldSystem 1 by default, and 2) and `import_message_to_group`."""
    ok(im.batch_add_users(["tc_imp_a", "tc_imp_b"]))
    now = int(time.time())
    history = MessageObj("tc_imp_a", "tc_imp_b", text_messages=[MessageText("long ago")])
    ok(im.import_message_to_im(history, now - 86_400, sync_from_old=2))
    live = MessageObj("tc_imp_a", "tc_imp_b", text_messages=[MessageText("just now")])
    ok(im.import_message_to_im(live, now - 5))
    roam = ok(im.get_message_list("tc_imp_b", "tc_imp_a", 10, now - 100_000, now + 60))
    assert [(m["MsgTimeStamp"], m["MsgBody"][0]["MsgContent"]["Text"]) for m in roam["MsgList"]] == [
        (now - 86_400, "long ago"),
        (now - 5, "just now"),
    ]

    group_id = ok(im.create_group(GroupObj("tc_imp_a", "Public", "tc imports")))["GroupId"]
    # An import must come after the group's creation and not in the future.
    time.sleep(2)
    sent_at = int(time.time()) - 1
    imported = ok(
        im.import_message_to_group(
            group_id,
            messages=[
                GroupMessageObj("tc_imp_b", sent_at, text_messages=[MessageText("imported")]),
                GroupMessageObj("tc_imp_a", sent_at + 3_600, text_messages=[MessageText("from the future")]),
            ],
        )
    )
    [first, future] = imported["ImportMsgResult"]
    assert (first["Result"], first["MsgTime"]) == (0, sent_at)
    assert (future["MsgSeq"], future["Result"]) == (0, 10004)
