"""`timsdk` (PyPI, `TimClient`) against tincan, unchanged.

timsdk has no setting for where TIM is: `HttpClient.get_url` always builds
`https://console.tim.qq.com/v4/<service>/<command>?sdkappid=...`. So the one thing these tests
add is at the network hop: a `requests` transport adapter, mounted on the library's own session
for that origin, sends each request it prepares to tincan's plain-HTTP origin instead (what a
hosts entry plus a TLS-terminating proxy would do). The URL's path and query, the UserSig the
library makes from the key, the JSON body and the parsing of the answer are all the library's.

timsdk speaks TIM's older dialect: `Identifier` for account_import and kick, `openim/querystate`
for online status, a GET (with a JSON body) for account_check and a GET without a body for
get_appid_group_list. Commands it has no method for (the read receipts, and the receipt flags
of sendmsg and send_group_msg) go through its generic `HttpClient.post(path, data=...)`, which
signs and encodes them the same way.
"""

import re
import time

import pytest
import requests
from timsdk import TimClient
from timsdk.api import GroupOpenHttpSVC

from conftest import KEY, SDKAPPID

TIM_ORIGIN = "https://console.tim.qq.com"
MSG_KEY = re.compile(r"^\d+_\d+_\d+$")


class ToTincan(requests.adapters.HTTPAdapter):
    """Sends requests prepared for TIM's origin to tincan's."""

    def __init__(self, origin):
        super().__init__()
        self.origin = origin

    def send(self, request, **kwargs):
        assert request.url.startswith(TIM_ORIGIN + "/v4/"), request.url
        request.url = self.origin + request.url[len(TIM_ORIGIN) :]
        return super().send(request, **kwargs)


@pytest.fixture
def tim(server):
    client = TimClient(app_id=SDKAPPID, app_key=KEY)  # identifier: "administrator"
    client.open_im.get_client()._http.mount(TIM_ORIGIN, ToTincan(server.origin))
    return client


def ok(body):
    """A successful answer, as TIM gives it."""
    assert isinstance(body, dict), body
    assert body["ActionStatus"] == "OK", body
    assert body["ErrorCode"] == 0, body
    assert body["ErrorInfo"] == "", body
    return body


def test_accounts_and_c2c_in_the_older_dialect(tim, server):
    login = tim.im_open_login_svc
    ok(login.account_import(identifier="ts_amy", nick="Amy"))
    assert ok(login.im_open_login_svc(accounts=["ts_bo", "ts_cy", "ts_di"]))["FailAccounts"] == []

    checked = ok(login.account_check(check_item=["ts_amy", "ts_bo", "ts_nobody"]))["ResultItem"]
    assert [(item["UserID"], item["AccountStatus"]) for item in checked] == [
        ("ts_amy", "Imported"),
        ("ts_bo", "Imported"),
        ("ts_nobody", "NotImported"),
    ]
    amy = server.online("ts_amy")
    try:
        state = ok(tim.open_im.query_state(to_account=["ts_amy", "ts_zed"]))
        assert [(item["To_Account"], item["State"]) for item in state["QueryResult"]] == [("ts_amy", "Online")]
        assert state["ErrorList"] == [{"To_Account": "ts_zed", "ErrorCode": 70107}]
        ok(login.kick(identifier="ts_amy"))
        amy.wait_for('"code":6208')
    finally:
        amy.stop()

    before = int(time.time())
    sent = ok(tim.open_im.send_text_msg(to_account="ts_bo", content="hi bo", from_account="ts_amy"))
    assert MSG_KEY.match(sent["MsgKey"]) and sent["MsgTime"] >= before
    batch = ok(tim.open_im.batch_send_text_msg(to_account=["ts_bo", "ts_cy"], content="hi both", from_account="ts_amy"))
    assert MSG_KEY.match(batch["MsgKey"])
    assert batch["ErrorList"] == []

    state = ok(tim.open_im.query_state(to_account=["ts_amy"]))
    assert [(item["To_Account"], item["State"]) for item in state["QueryResult"]] == [("ts_amy", "Offline")]

    deleted = ok(login.account_delete(delete_item=["ts_di"]))["ResultItem"]
    assert deleted == [{"ResultCode": 0, "ResultInfo": "", "UserID": "ts_di"}]
    assert ok(login.account_check(check_item=["ts_di"]))["ResultItem"][0]["AccountStatus"] == "NotImported"


def test_groups(tim):
    ok(tim.im_open_login_svc.im_open_login_svc(accounts=["ts_lead", "ts_g1", "ts_g2", "ts_g3"]))
    groups = tim.group_open_http_svc

    created = ok(
        groups.create_group(
            name="ts group",
            owner_account="ts_lead",
            member_list=[{"Member_Account": "ts_g1"}],
            group_type=GroupOpenHttpSVC.TYPE_PUBLIC,
            introduction="about",
            max_member_count=50,
        )
    )
    group_id = created["GroupId"]

    info = ok(groups.get_group_info(group_id_list=[group_id]))["GroupInfo"][0]
    assert (info["GroupId"], info["Name"], info["Type"], info["Owner_Account"]) == (
        group_id,
        "ts group",
        "Public",
        "ts_lead",
    )
    assert (info["MemberNum"], info["MaxMemberNum"], info["ApplyJoinOption"]) == (2, 50, "NeedPermission")

    ok(groups.modify_group_base_info(group_id=group_id, name="ts renamed", introduction="new about"))
    info = ok(groups.get_group_info(group_id_list=[group_id]))["GroupInfo"][0]
    assert (info["Name"], info["Introduction"]) == ("ts renamed", "new about")

    added = ok(groups.add_group_member(group_id=group_id, member_list=[{"Member_Account": "ts_g2"}, {"Member_Account": "ts_g3"}]))
    assert [(item["Member_Account"], item["Result"]) for item in added["MemberList"]] == [("ts_g2", 1), ("ts_g3", 1)]
    ok(groups.delete_group_member(group_id=group_id, member_to_del_account=["ts_g3"], reason="bye"))
    members = ok(groups.get_group_member_info(group_id=group_id, limit=10))
    assert members["MemberNum"] == 3
    assert sorted(member["Member_Account"] for member in members["MemberList"]) == ["ts_g1", "ts_g2", "ts_lead"]

    joined = ok(groups.get_joined_group_list(member_account="ts_g2", group_type="Public"))
    assert joined["TotalCount"] == 1
    assert joined["GroupIdList"][0]["GroupId"] == group_id

    every = ok(groups.get_app_id_group_list())
    assert group_id in [item["GroupId"] for item in every["GroupIdList"]]

    # The library drops From_Account (a typo in its source), so the administrator sends.
    sent = ok(groups.send_group_msg(group_id=group_id, msg_body=[{"MsgType": "TIMTextElem", "MsgContent": {"Text": "welcome"}}]))
    assert isinstance(sent["MsgSeq"], int) and isinstance(sent["MsgTime"], int)

    history = ok(groups.group_msg_get_simple(group_id=group_id, req_msg_number=5))
    newest = history["RspMsgList"][0]
    assert (newest["MsgSeq"], newest["From_Account"], newest["IsPlaceMsg"]) == (sent["MsgSeq"], "administrator", 0)
    assert newest["MsgBody"] == [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "welcome"}}]

    ok(groups.destroy_group(group_id=group_id))
    assert ok(groups.get_group_info(group_id_list=[group_id]))["GroupInfo"][0]["ErrorCode"] == 10010


def test_group_profiles_roles_and_mutes(tim):
    ok(tim.im_open_login_svc.im_open_login_svc(accounts=["tm_lead", "tm_a", "tm_b"]))
    groups = tim.group_open_http_svc
    group_id = ok(
        groups.create_group(
            name="tm group",
            owner_account="tm_lead",
            member_list=[{"Member_Account": "tm_a"}, {"Member_Account": "tm_b"}],
            group_type=GroupOpenHttpSVC.TYPE_PUBLIC,
        )
    )["GroupId"]

    ok(groups.modify_group_base_info(group_id=group_id, shut_up_all_member="On", app_defined_data=[{"Key": "tier", "Value": "gold"}]))
    info = ok(groups.get_group_info(group_id_list=[group_id]))["GroupInfo"][0]
    assert (info["ShutUpAllMember"], info["AppDefinedData"]) == ("On", [{"Key": "tier", "Value": "gold"}])
    ok(groups.modify_group_base_info(group_id=group_id, shut_up_all_member="Off"))

    ok(groups.modify_group_member_info(group_id=group_id, member_account="tm_a", role="Admin", name_card="A"))
    roles = ok(groups.get_role_in_group(group_id=group_id, user_account=["tm_lead", "tm_a", "tm_b", "nobody"]))
    assert [item["Role"] for item in roles["UserIdList"]] == ["Owner", "Admin", "Member", "NotMember"]

    ok(groups.forbid_send_msg(group_id=group_id, members_account=["tm_b"], shut_up_time=300))
    muted = ok(groups.get_group_shut_uin(group_id=group_id))
    assert [item["Member_Account"] for item in muted["ShuttedUinList"]] == ["tm_b"]
    assert muted["ShuttedUinList"][0]["ShuttedUntil"] > time.time()
    ok(groups.forbid_send_msg(group_id=group_id, members_account=["tm_b"], shut_up_time=0))
    assert ok(groups.get_group_shut_uin(group_id=group_id))["ShuttedUinList"] == []

    ok(groups.change_group_owner(group_id=group_id, new_owner_account="tm_a"))
    roles = ok(groups.get_role_in_group(group_id=group_id, user_account=["tm_lead", "tm_a"]))
    assert [item["Role"] for item in roles["UserIdList"]] == ["Member", "Owner"]
    members = ok(groups.get_group_member_info(group_id=group_id, limit=10))["MemberList"]
    assert [member["NameCard"] for member in members if member["Member_Account"] == "tm_a"] == ["A"]


def test_read_receipts(tim):
    http = tim.open_im.get_client()
    ok(tim.im_open_login_svc.im_open_login_svc(accounts=["rc_sue", "rc_tom", "rc_una", "rc_vic"]))

    # C2C: Sue asks for a receipt, Tom (through the administrator) sends it.
    sent = ok(
        http.post(
            "openim/sendmsg",
            data={
                "SyncOtherMachine": 1,
                "From_Account": "rc_sue",
                "To_Account": "rc_tom",
                "MsgRandom": 123456,
                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "did you read this?"}}],
                "IsNeedReadReceipt": 1,
            },
        )
    )
    window = {"MaxCnt": 10, "MinTime": sent["MsgTime"] - 60, "MaxTime": sent["MsgTime"] + 60}
    roam = ok(http.post("openim/admin_getroammsg", data={"Operator_Account": "rc_sue", "Peer_Account": "rc_tom", **window}))
    [message] = roam["MsgList"]
    assert (message["MsgKey"], message["IsNeedReadReceipt"], message["IsPeerRead"]) == (sent["MsgKey"], 1, 0)

    ok(
        http.post(
            "openim/c2c_msg_read_receipt",
            data={
                "Operator_Account": "rc_tom",
                "Peer_Account": "rc_sue",
                "C2CMsgInfo": [{"From_Account": "rc_sue", "To_Account": "rc_tom", "MsgKey": sent["MsgKey"]}],
            },
        )
    )
    roam = ok(http.post("openim/admin_getroammsg", data={"Operator_Account": "rc_sue", "Peer_Account": "rc_tom", **window}))
    assert roam["MsgList"][0]["IsPeerRead"] == 1

    # Group: Sue's message asks for receipts; Tom reads it, Una and Vic have not.
    group_id = ok(
        tim.group_open_http_svc.create_group(
            name="receipts",
            owner_account="rc_sue",
            member_list=[{"Member_Account": "rc_tom"}, {"Member_Account": "rc_una"}, {"Member_Account": "rc_vic"}],
        )
    )["GroupId"]
    asked = ok(
        http.post(
            "group_open_http_svc/send_group_msg",
            data={
                "GroupId": group_id,
                "From_Account": "rc_sue",
                "Random": 77,
                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "please confirm"}}],
                "NeedReadReceipt": 1,
            },
        )
    )
    plain = ok(
        http.post(
            "group_open_http_svc/send_group_msg",
            data={"GroupId": group_id, "From_Account": "rc_sue", "Random": 78, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "fyi"}}]},
        )
    )
    ok(
        http.post(
            "group_open_http_svc/group_msg_receipt",
            data={"GroupId": group_id, "From_Account": "rc_tom", "MsgSeqList": [{"MsgSeq": asked["MsgSeq"]}]},
        )
    )

    counts = ok(
        http.post(
            "group_open_http_svc/get_group_msg_receipt",
            data={"GroupId": group_id, "MsgSeqList": [{"MsgSeq": asked["MsgSeq"]}, {"MsgSeq": plain["MsgSeq"]}]},
        )
    )["GroupMsgReceiptList"]
    assert counts == [
        {"Code": 0, "MsgSeq": asked["MsgSeq"], "ReadNum": 1, "UnreadNum": 2},
        {"Code": 10062, "MsgSeq": plain["MsgSeq"], "ReadNum": 0, "UnreadNum": 0},
    ]

    read = ok(
        http.post(
            "group_open_http_svc/get_group_msg_receipt_detail",
            data={"GroupId": group_id, "MsgSeq": asked["MsgSeq"], "Filter": 0, "Cursor": "", "Count": 10},
        )
    )
    assert (read["MsgSeq"], read["IsFinish"], read["Cursor"]) == (asked["MsgSeq"], 1, "")
    assert read["ReadList"] == [{"Read_Account": "rc_tom"}]
    unread = ok(
        http.post(
            "group_open_http_svc/get_group_msg_receipt_detail",
            data={"GroupId": group_id, "MsgSeq": asked["MsgSeq"], "Filter": 1, "Cursor": "", "Count": 10},
        )
    )
    assert sorted(item["Unread_Account"] for item in unread["UnreadList"]) == ["rc_una", "rc_vic"]


def test_profiles(tim):
    login = tim.im_open_login_svc
    ok(login.account_import(identifier="ts_pat", nick="Pat", face_url="https://example.invalid/pat.png"))
    ok(login.im_open_login_svc(accounts=["ts_quin"]))

    # The library's default tags, which include one tincan reads as TIM's default.
    got = ok(tim.profile.portrait_get(to_account=["ts_pat", "ts_quin", "ts_nobody"]))["UserProfileItem"]
    assert [item["To_Account"] for item in got] == ["ts_pat", "ts_quin", "ts_nobody"]
    pat = {entry["Tag"]: entry["Value"] for entry in got[0]["ProfileItem"]}
    assert pat["Tag_Profile_IM_Nick"] == "Pat"
    assert pat["Tag_Profile_IM_Gender"] == "Gender_Type_Unknown"
    assert pat["Tag_Profile_IM_AdminForbidType"] == "AdminForbid_Type_None"
    assert got[0]["ResultCode"] == 0
    assert got[2]["ResultCode"] == 40003

    ok(
        tim.profile.portrait_set(
            from_account="ts_quin",
            profile_item=[
                {"Tag": "Tag_Profile_IM_Nick", "Value": "Quin"},
                {"Tag": "Tag_Profile_IM_Gender", "Value": "Gender_Type_Male"},
                {"Tag": "Tag_Profile_IM_Image", "Value": "https://example.invalid/quin.png"},
                {"Tag": "Tag_Profile_IM_Level", "Value": 4},
                {"Tag": "Tag_Profile_Custom_Team", "Value": "blue"},
            ],
        )
    )
    tags = ["Tag_Profile_IM_Nick", "Tag_Profile_IM_Gender", "Tag_Profile_IM_Image", "Tag_Profile_IM_Level", "Tag_Profile_Custom_Team"]
    quin = ok(tim.profile.portrait_get(to_account=["ts_quin"], tag_list=tags))["UserProfileItem"][0]["ProfileItem"]
    assert quin == [
        {"Tag": "Tag_Profile_IM_Nick", "Value": "Quin"},
        {"Tag": "Tag_Profile_IM_Gender", "Value": "Gender_Type_Male"},
        {"Tag": "Tag_Profile_IM_Image", "Value": "https://example.invalid/quin.png"},
        {"Tag": "Tag_Profile_IM_Level", "Value": 4},
        {"Tag": "Tag_Profile_Custom_Team", "Value": "blue"},
    ]

    refused = tim.profile.portrait_set(from_account="ts_quin", profile_item=[{"Tag": "Tag_Profile_IM_Nick", "Value": "x" * 501}])
    assert refused["ActionStatus"] == "FAIL" and refused["ErrorCode"] == 40601, refused
    refused = tim.profile.portrait_set(from_account="ts_quin", profile_item=[{"Tag": "Tag_Profile_IM_Nope", "Value": "x"}])
    assert refused["ErrorCode"] == 40009, refused
    still = ok(tim.profile.portrait_get(to_account=["ts_quin"], tag_list=["Tag_Profile_IM_Nick"]))
    assert still["UserProfileItem"][0]["ProfileItem"] == [{"Tag": "Tag_Profile_IM_Nick", "Value": "Quin"}]
def test_revoking_messages(tim):
    ok(tim.im_open_login_svc.im_open_login_svc(accounts=["ts_rv_a", "ts_rv_b"]))
    sent = ok(tim.open_im.send_text_msg(to_account="ts_rv_b", content="take this back", from_account="ts_rv_a"))
    ok(tim.open_im.admin_msg_withdraw(to_account="ts_rv_b", from_account="ts_rv_a", msg_key=sent["MsgKey"]))
    refused = tim.open_im.admin_msg_withdraw(to_account="ts_rv_b", from_account="ts_rv_a", msg_key="not a key")
    assert (refused["ActionStatus"], refused["ErrorCode"]) == ("FAIL", 20001), refused

    groups = tim.group_open_http_svc
    group_id = ok(
        groups.create_group(name="recall", owner_account="ts_rv_a", member_list=[{"Member_Account": "ts_rv_b"}], group_type=GroupOpenHttpSVC.TYPE_PUBLIC)
    )["GroupId"]
    posted = ok(groups.send_group_msg(group_id=group_id, msg_body=[{"MsgType": "TIMTextElem", "MsgContent": {"Text": "oops"}}]))
    recalled = ok(groups.group_msg_recall(group_id=group_id, msg_seq_list=[{"MsgSeq": posted["MsgSeq"]}]))
    assert recalled["RecallRetList"] == [{"MsgSeq": posted["MsgSeq"], "RetCode": 0}]
    history = ok(groups.group_msg_get_simple(group_id=group_id, req_msg_number=5))
    [revoked] = [message for message in history["RspMsgList"] if message["MsgSeq"] == posted["MsgSeq"]]
    assert revoked["MsgBody"] == [], revoked


def test_deleting_a_senders_messages_and_setting_an_unread_count(tim):
    """`delete_group_msg_by_sender` and `set_unread_msg_num`.

    timsdk's `send_group_msg` drops its `from_account` (it annotates the key instead of setting
    it), so the messages are sent through the generic `post`."""
    http = tim.open_im.get_client()
    ok(tim.im_open_login_svc.im_open_login_svc(accounts=["ts_dm_a", "ts_dm_b"]))
    groups = tim.group_open_http_svc
    group_id = ok(
        groups.create_group(name="tidy", owner_account="ts_dm_a", member_list=[{"Member_Account": "ts_dm_b"}], group_type=GroupOpenHttpSVC.TYPE_PUBLIC)
    )["GroupId"]

    def text(words, sender, random):
        body = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": words}}]
        data = {"GroupId": group_id, "From_Account": sender, "Random": random, "MsgBody": body}
        return ok(http.post("group_open_http_svc/send_group_msg", data=data))

    spam = [text("buy", "ts_dm_b", 11), text("now", "ts_dm_b", 12)]
    kept = [text("hello", "ts_dm_a", 13), text("again", "ts_dm_a", 14)]
    ok(groups.delete_group_msg_by_sender(group_id=group_id, sender_account="ts_dm_b"))
    history = ok(groups.group_msg_get_simple(group_id=group_id, req_msg_number=10))["RspMsgList"]
    bodies = {message["MsgSeq"]: message["MsgBody"] for message in history}
    assert all(bodies[sent["MsgSeq"]] == [] for sent in spam), history
    assert all(bodies[sent["MsgSeq"]] != [] for sent in kept), history

    def unread(member):
        joined = ok(groups.get_joined_group_list(member_account=member))["GroupIdList"]
        [info] = [group for group in joined if group["GroupId"] == group_id]
        return info["SelfInfo"]["UnreadMsgNum"]

    assert unread("ts_dm_b") == 2
    ok(groups.set_unread_msg_num(group_id=group_id, member_account="ts_dm_b", unread_msg_num=0))
    assert unread("ts_dm_b") == 0
    ok(groups.set_unread_msg_num(group_id=group_id, member_account="ts_dm_b", unread_msg_num=1))
    assert unread("ts_dm_b") == 1
    refused = groups.set_unread_msg_num(group_id=group_id, member_account="ts_dm_b", unread_msg_num=-1)
    assert (refused["ActionStatus"], refused["ErrorCode"]) == ("FAIL", 10004), refused


def test_importing_messages(tim):
    """`import_text_msg` (SyncFromOldSystem 1, live, or 2, history) and `import_group_msg`."""
    http = tim.open_im.get_client()
    ok(tim.im_open_login_svc.im_open_login_svc(accounts=["im_old", "im_new", "im_third"]))
    opens = tim.open_im

    ok(opens.import_text_msg("im_new", "im_old", "from before", msg_time_stamp=4242, sync_from_old_system=opens.SYNC_FROM_OLD_SYSTEM_HISTORY))
    ok(opens.import_text_msg("im_new", "im_old", "during the move", msg_time_stamp=4343))
    now = int(time.time())
    window = {"MaxCnt": 10, "MinTime": now - 600, "MaxTime": now + 60}
    roam = ok(http.post("openim/admin_getroammsg", data={"Operator_Account": "im_new", "Peer_Account": "im_old", **window}))
    texts = [(item["From_Account"], item["MsgRandom"], item["MsgBody"][0]["MsgContent"]["Text"]) for item in roam["MsgList"]]
    assert texts == [("im_old", 4242, "from before"), ("im_old", 4343, "during the move")]
    unread = ok(http.post("openim/get_c2c_unread_msg_num", data={"To_Account": "im_new", "Peer_Account": ["im_old"]}))
    assert unread["AllC2CUnreadMsgNum"] == 1, "history is not unread, the live import is"

    groups = tim.group_open_http_svc
    created_at = now - 86_400
    group_id = ok(groups.import_group(name="old group", owner_account="im_old", group_id="im-old-group", create_time=created_at))["GroupId"]
    text = lambda words: [{"MsgType": "TIMTextElem", "MsgContent": {"Text": words}}]
    imported = ok(
        groups.import_group_msg(
            group_id,
            [
                {"From_Account": "im_old", "SendTime": created_at + 60, "Random": 1, "MsgBody": text("first")},
                {"From_Account": "im_third", "SendTime": created_at + 120, "Random": 2, "MsgBody": text("second")},
                {"From_Account": "im_old", "SendTime": created_at + 90, "Random": 3, "MsgBody": text("too early")},
            ],
        )
    )
    assert imported["ImportMsgResult"] == [
        {"MsgSeq": 1, "MsgTime": created_at + 60, "Result": 0},
        {"MsgSeq": 2, "MsgTime": created_at + 120, "Result": 0},
        {"MsgSeq": 0, "MsgTime": created_at + 90, "Result": 10004},
    ]
    history = ok(groups.group_msg_get_simple(group_id=group_id, req_msg_number=10))
    assert [(item["MsgSeq"], item["From_Account"]) for item in history["RspMsgList"]] == [(2, "im_third"), (1, "im_old")]


def test_relationship_chain(tim):
    ok(tim.im_open_login_svc.im_open_login_svc(accounts=["ts_f1", "ts_f2", "ts_f3"]))
    sns = tim.sns

    added = ok(sns.friend_add("ts_f1", [{"To_Account": "ts_f2", "Remark": "two", "AddSource": "AddSource_Type_rest"}]))
    assert [(it["To_Account"], it["ResultCode"]) for it in added["ResultItem"]] == [("ts_f2", 0)]
    ok(sns.friend_import("ts_f1", [{"To_Account": "ts_f3", "AddSource": "AddSource_Type_rest"}]))

    friends = ok(sns.friend_get("ts_f1"))
    assert sorted(it["To_Account"] for it in friends["UserDataItem"]) == ["ts_f2", "ts_f3"]
    listed = ok(sns.friend_get_list("ts_f1", ["ts_f2"]))
    remark = [tag["Value"] for tag in listed["InfoItem"][0]["SnsProfileItem"] if tag["Tag"] == "Tag_SNS_IM_Remark"]
    assert remark == ["two"]

    checked = ok(sns.friend_check("ts_f1", ["ts_f2", "ts_f3"]))
    relations = {it["To_Account"]: it["Relation"] for it in checked["InfoItem"]}
    assert relations == {"ts_f2": "CheckResult_Type_BothWay", "ts_f3": "CheckResult_Type_AWithB"}

    ok(sns.group_add("ts_f1", ["close"], ["ts_f2"]))
    ok(sns.friend_update("ts_f1", [{"To_Account": "ts_f2", "SnsItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "deux"}]}]))
    ok(sns.group_delete("ts_f1", ["close"]))

    ok(sns.black_list_add("ts_f2", ["ts_f3"]))
    blocked = ok(sns.black_list_get("ts_f2"))
    assert [it["To_Account"] for it in blocked["BlackListItem"]] == ["ts_f3"]
    ok(sns.black_list_check("ts_f2", ["ts_f3"]))
    ok(sns.black_list_delete("ts_f2", ["ts_f3"]))
    assert ok(sns.black_list_get("ts_f2")).get("BlackListItem", []) == []

    deleted = ok(sns.friend_delete("ts_f1", ["ts_f2"]))
    assert [it["ResultCode"] for it in deleted["ResultItem"]] == [0]
    ok(sns.friend_delete_all("ts_f1"))
    assert ok(sns.friend_get("ts_f1")).get("UserDataItem", []) == []
