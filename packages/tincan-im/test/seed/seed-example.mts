// The code example of TIM's page for TIMMsgSendMessageReadReceipts, as the page gives it, with
// the package name in the import lines changed, a real conversation filled in (bob's C2C
// conversation with alice) and the page's one typo fixed (`code1`, which no result has, is `code`).
import TimRender from "tincan-im/dist/renderer";
const timRenderInstance = new TimRender();
import { MsgGetMsgListParams, Json_get_msg_param, MsgSendGroupMessageReceiptsParam } from "tincan-im/dist/interfaces";

let convId = "alice"
let convType = 1
let msgParam: Json_get_msg_param = {
    msg_getmsglist_param_last_msg: '',  // optional
    msg_getmsglist_param_count: 0,  // optional
    msg_getmsglist_param_is_ramble: false,  // optional
    msg_getmsglist_param_is_forward: false,  // optional
    msg_getmsglist_param_last_msg_seq: 0,  // optional
    msg_getmsglist_param_time_begin: 0,  // optional
    msg_getmsglist_param_time_period: 0,  // optional
}

let param1: MsgGetMsgListParams = {
    conv_id: convId,// required
    conv_type: convType,// required
    params: msgParam,// required
    user_data: ''  // optional
}
const { code, json_params } = await timRenderInstance.TIMMsgGetMsgList(param1)
if (code == 0) {
    let param: MsgSendGroupMessageReceiptsParam = {
        json_msg_array: JSON.stringify([json_params[0]]),// required
        user_data: ""  // required
    }
    const { code } = await timRenderInstance.TIMMsgSendMessageReadReceipts(param);
    if (code == 0) {
        // success
    }
}
