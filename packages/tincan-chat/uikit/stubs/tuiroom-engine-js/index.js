// A stand-in for Tencent's room engine: every name the kit imports exists, and every property
// of it is another inert value, so that modules which set themselves up with the room engine
// load; a chat-only app never calls it.

function inert(name) {
  const target = function () {};
  return new Proxy(target, {
    get(_target, property) {
      if (property === Symbol.toPrimitive) return () => name;
      if (property === "then") return undefined;
      if (property === "prototype") return {};
      return inert(`${name}.${String(property)}`);
    },
    apply() {
      return undefined;
    },
    construct() {
      return inert(`new ${name}`);
    },
  });
}

const TUIRoomEngine = inert("TUIRoomEngine");
export default TUIRoomEngine;

export const GiftCategory = inert("GiftCategory");
export const GiftInfo = inert("GiftInfo");
export const TRTCCloud = inert("TRTCCloud");
export const TRTCMediaMixingEvent = inert("TRTCMediaMixingEvent");
export const TRTCMediaSource = inert("TRTCMediaSource");
export const TRTCMediaSourceType = inert("TRTCMediaSourceType");
export const TRTCVideoFillMode = inert("TRTCVideoFillMode");
export const TRTCVideoMirrorType = inert("TRTCVideoMirrorType");
export const TRTCVideoResolution = inert("TRTCVideoResolution");
export const TRTCVideoResolutionMode = inert("TRTCVideoResolutionMode");
export const TRTCVideoRotation = inert("TRTCVideoRotation");
export const TRTCVideoStreamType = inert("TRTCVideoStreamType");
export const TRTCVolumeInfo = inert("TRTCVolumeInfo");
export const TUIAudioRoute = inert("TUIAudioRoute");
export const TUIBattleStoppedReason = inert("TUIBattleStoppedReason");
export const TUIChangeReason = inert("TUIChangeReason");
export const TUIConferenceCancelReason = inert("TUIConferenceCancelReason");
export const TUIConferenceInfo = inert("TUIConferenceInfo");
export const TUIConferenceInvitationManagerEvents = inert("TUIConferenceInvitationManagerEvents");
export const TUIConferenceListManagerEvents = inert("TUIConferenceListManagerEvents");
export const TUIConferenceStatus = inert("TUIConferenceStatus");
export const TUIConnectionCode = inert("TUIConnectionCode");
export const TUIDeviceStatus = inert("TUIDeviceStatus");
export const TUIErrorCode = inert("TUIErrorCode");
export const TUIInvitation = inert("TUIInvitation");
export const TUIInvitationCode = inert("TUIInvitationCode");
export const TUIInvitationRejectedReason = inert("TUIInvitationRejectedReason");
export const TUIInvitationStatus = inert("TUIInvitationStatus");
export const TUIKickedOutOfRoomReason = inert("TUIKickedOutOfRoomReason");
export const TUILiveBattleManagerEvents = inert("TUILiveBattleManagerEvents");
export const TUILiveConnectionManagerEvents = inert("TUILiveConnectionManagerEvents");
export const TUILiveGiftManagerEvents = inert("TUILiveGiftManagerEvents");
export const TUILiveLayoutManagerEvents = inert("TUILiveLayoutManagerEvents");
export const TUILiveListManagerEvents = inert("TUILiveListManagerEvents");
export const TUILiveModifyFlag = inert("TUILiveModifyFlag");
export const TUIMediaDevice = inert("TUIMediaDevice");
export const TUIMediaDeviceState = inert("TUIMediaDeviceState");
export const TUIMediaDeviceType = inert("TUIMediaDeviceType");
export const TUIMoveSeatPolicy = inert("TUIMoveSeatPolicy");
export const TUINetwork = inert("TUINetwork");
export const TUINetworkQuality = inert("TUINetworkQuality");
export const TUIRequest = inert("TUIRequest");
export const TUIRequestAction = inert("TUIRequestAction");
export const TUIRequestCallbackType = inert("TUIRequestCallbackType");
export const TUIResolutionMode = inert("TUIResolutionMode");
export const TUIRole = inert("TUIRole");
export const TUIRoomDeviceMangerEvents = inert("TUIRoomDeviceMangerEvents");
export const TUIRoomEvents = inert("TUIRoomEvents");
export const TUIRoomInfo = inert("TUIRoomInfo");
export const TUIRoomType = inert("TUIRoomType");
export const TUISeatMode = inert("TUISeatMode");
export const TUIUserInfo = inert("TUIUserInfo");
export const TUIVideoQuality = inert("TUIVideoQuality");
export const TUIVideoStreamType = inert("TUIVideoStreamType");
