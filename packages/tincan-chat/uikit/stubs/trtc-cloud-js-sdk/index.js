// A stand-in for Tencent's TRTC SDK: a class that does nothing.
export default class TRTCCloud {
  static getTRTCShareInstance() {
    return new TRTCCloud();
  }
}
