// The receipt calls an app makes after the page's example, written as TIM's typings would have
// them: compiled by tsc against the package's .d.ts (never run), so a type the package names
// differently or shapes differently fails the build.
import TimRender from "tincan-im/dist/renderer";
import type {
  commonResult,
  MessageReceipt,
  MsgGetGroupMessageReadMembersParam,
  MsgGetGroupMessageReceiptsParam,
} from "tincan-im/dist/interfaces";

export async function readersOf(tim: TimRender, message: object): Promise<string[]> {
  const counts: MsgGetGroupMessageReceiptsParam = { json_msg_array: JSON.stringify([message]), user_data: "" };
  const receipts: commonResult<MessageReceipt[]> = await tim.TIMMsgGetMessageReadReceipts(counts);
  const first: MessageReceipt | undefined = receipts.json_params?.[0];
  const readCount: number = first ? first.msg_receipt_read_count : 0;
  const readers: string[] = [];
  let nextSeq = "0";
  while (readers.length < readCount) {
    const page: MsgGetGroupMessageReadMembersParam = {
      json_msg: JSON.stringify(message),
      filter: 0,
      next_seq: nextSeq,
      count: 100,
      user_data: "",
    };
    const { code, json_param } = await tim.TIMMsgGetGroupMessageReadMemberList(page);
    if (code !== 0 || !json_param) break;
    for (const member of json_param.json_param) readers.push(member.group_member_info_identifier);
    if (json_param.is_finished) break;
    nextSeq = String(json_param.next_seq);
  }
  return readers;
}

export async function listen(tim: TimRender): Promise<void> {
  await tim.TIMSetMsgReadedReceiptCallback({
    callback: (json: string, userData: string) => {
      const receipts: MessageReceipt[] = JSON.parse(json);
      const peerRead: boolean[] = receipts.map((receipt) => receipt.msg_receipt_is_peer_read);
      void peerRead;
      void userData;
    },
    user_data: "",
  });
}
