// TIM's enumerations, with TIM's names and numbers (the module keeps the name of TIM's own
// `dist/enumbers`).
// Where TIM's Electron typings and its native headers disagree, the values here are the ones
// that travel in the JSON (see docs/compatibility.md, "The Node and Electron package").

/** What a call returned synchronously in TIM's native SDK. */
export enum TIMResult {
  TIM_SUCC = 0,
  TIM_ERR_SDKUNINIT = -1,
  TIM_ERR_NOTLOGIN = -2,
  TIM_ERR_JSON = -3,
  TIM_ERR_PARAM = -4,
  TIM_ERR_CONV = -5,
  TIM_ERR_GROUP = -6,
}

/**
 * The error codes the package itself gives; every other code comes from the server and keeps
 * TIM's number (docs/error-codes.md lists them all).
 */
export enum TIMErrCode {
  ERR_SUCC = 0,
  ERR_SDK_NOT_INITIALIZED = 6013,
  ERR_SDK_NOT_LOGGED_IN = 6014,
  ERR_IN_PROGESS = 6015,
  ERR_INVALID_MSG_ELEM = 6016,
  ERR_INVALID_PARAMETERS = 6017,
  ERR_INVALID_JSON = 6027,
  ERR_LOGIN_KICKED_OFF_BY_OTHER = 6208,
  ERR_SDK_COMM_INVALID_IDENTIFIER = 7003,
  ERR_SDK_INTERNAL_ERROR = 7012,
  ERR_SDK_INTERFACE_NOT_SUPPORT = 7013,
  ERR_SDK_INVALID_OPERATION = 7014,
  ERR_SDK_MSG_BODY_SIZE_LIMIT = 8001,
}

export enum TIMConvType {
  kTIMConv_Invalid = 0,
  kTIMConv_C2C = 1,
  kTIMConv_Group = 2,
  kTIMConv_System = 3,
}

export enum TIMConvEvent {
  kTIMConvEvent_Add = 0,
  kTIMConvEvent_Del = 1,
  kTIMConvEvent_Update = 2,
  kTIMConvEvent_Start = 3,
  kTIMConvEvent_Finish = 4,
}

export enum TIMElemType {
  kTIMElem_Text = 0,
  kTIMElem_Image = 1,
  kTIMElem_Sound = 2,
  kTIMElem_Custom = 3,
  kTIMElem_File = 4,
  kTIMElem_GroupTips = 5,
  kTIMElem_Face = 6,
  kTIMElem_Location = 7,
  kTIMElem_GroupReport = 8,
  kTIMElem_Video = 9,
  kTIMElem_FriendChange = 10,
  kTIMElem_ProfileChange = 11,
  kTIMElem_Merge = 12,
  kTIMElem_Invalid = -1,
}

export enum TIMMsgStatus {
  kTIMMsg_Sending = 1,
  kTIMMsg_SendSucc = 2,
  kTIMMsg_SendFail = 3,
  kTIMMsg_Deleted = 4,
  kTIMMsg_LocalImported = 5,
  kTIMMsg_Revoked = 6,
  kTIMMsg_Cancel = 7,
}

export enum TIMMsgPriority {
  kTIMMsgPriority_High = 0,
  kTIMMsgPriority_Normal = 1,
  kTIMMsgPriority_Low = 2,
  kTIMMsgPriority_Lowest = 3,
}

export enum TIMGroupType {
  kTIMGroup_Public = 0,
  kTIMGroup_Private = 1,
  kTIMGroup_ChatRoom = 2,
  kTIMGroup_BChatRoom = 3,
  kTIMGroup_AVChatRoom = 4,
  kTIMGroup_Community = 5,
}

/** Member roles as the JSON carries them (TIM's native numbers). */
export enum TIMGroupMemberRole {
  kTIMMemberRole_None = 0,
  kTIMMemberRole_Normal = 200,
  kTIMMemberRole_Admin = 300,
  kTIMMemberRole_Owner = 400,
}

export enum TIMGroupAddOption {
  kTIMGroupAddOpt_Forbid = 0,
  kTIMGroupAddOpt_Auth = 1,
  kTIMGroupAddOpt_Any = 2,
}

export enum TIMGroupModifyInfoFlag {
  kTIMGroupModifyInfoFlag_None = 0x0,
  kTIMGroupModifyInfoFlag_Name = 0x1,
  kTIMGroupModifyInfoFlag_Notification = 0x2,
  kTIMGroupModifyInfoFlag_Introduction = 0x4,
  kTIMGroupModifyInfoFlag_FaceUrl = 0x8,
  kTIMGroupModifyInfoFlag_AddOption = 0x10,
  kTIMGroupModifyInfoFlag_MaxMemberNum = 0x20,
  kTIMGroupModifyInfoFlag_Visible = 0x40,
  kTIMGroupModifyInfoFlag_Searchable = 0x80,
  kTIMGroupModifyInfoFlag_ShutupAll = 0x100,
  kTIMGroupModifyInfoFlag_Custom = 0x200,
  kTIMGroupModifyInfoFlag_ApproveOption = 0x1000,
  kTIMGroupModifyInfoFlag_Owner = -2147483648,
}

export enum TIMGroupPendencyType {
  kTIMGroupPendency_RequestJoin = 0,
  kTIMGroupPendency_InviteJoin = 1,
  kTIMGroupPendency_ReqAndInvite = 2,
}

export enum TIMGroupPendencyHandle {
  kTIMGroupPendency_NotHandle = 0,
  kTIMGroupPendency_OtherHandle = 1,
  kTIMGroupPendency_OperatorHandle = 2,
}

export enum TIMGroupPendencyHandleResult {
  kTIMGroupPendency_Refuse = 0,
  kTIMGroupPendency_Accept = 1,
}

export enum TIMReceiveMessageOpt {
  kTIMRecvMsgOpt_Receive = 0,
  kTIMRecvMsgOpt_Not_Receive = 1,
  kTIMRecvMsgOpt_Not_Notify = 2,
  kTIMRecvMsgOpt_Not_Notify_Except_At = 3,
}

/** Whether the SDK is logged in (`TIMGetLoginStatus`). */
export enum TIMLoginStatus {
  kTIMLoginStatus_Logined = 1,
  kTIMLoginStatus_Logining = 2,
  kTIMLoginStatus_UnLogined = 3,
  kTIMLoginStatus_Logouting = 4,
}

/** A user's status (`userStatus.user_status_status_type`). */
export enum TIMUserStatusType {
  kTIMUserStatusType_Unkown = 0,
  kTIMUserStatusType_Online = 1,
  kTIMUserStatusType_Offline = 2,
  kTIMUserStatusType_UnLogined = 3,
}

export enum TIMGenderType {
  kTIMGenderType_Unknown = 0,
  kTIMGenderType_Male = 1,
  kTIMGenderType_Female = 2,
}

export enum TIMProfileAddPermission {
  kTIMProfileAddPermission_Unknown = 0,
  kTIMProfileAddPermission_AllowAny = 1,
  kTIMProfileAddPermission_NeedConfirm = 2,
  kTIMProfileAddPermission_DenyAny = 3,
}
