// The typed messages between the host and the stepping panels (DESIGN.md §5, STYLE.md §2-5, §17):
// the shapes live in ./messages (common, process creation, page fault); this module joins them into
// one union per direction and one request map. Importers of either side use this module.
import type { CommonEventMessage, NoticeMessage, PositionMessage, ReplyOf, RequestOf } from './messages/common';
import type { PcEventMessage, PcRequests, PcSnapshotMessage, ProcessCreationState } from './messages/processCreation';
import type { PageFaultState, PfEventMessage, PfRequests, PfSnapshotMessage } from './messages/pageFault';

export * from './messages/common';
export * from './messages/processCreation';
export * from './messages/pageFault';

/** Every request of either panel: method -> { params, result }. */
export type PanelRequests = PcRequests & PfRequests;
export type RequestMethod = keyof PanelRequests & string;
export type RequestParams<K extends RequestMethod> = PanelRequests[K]['params'];
export type RequestResult<K extends RequestMethod> = PanelRequests[K]['result'];
export type RequestMessage = RequestOf<PanelRequests>;
export type ReplyMessage = ReplyOf<PanelRequests>;

/** Messages the webview sends that need no answer. */
export type WebviewEventMessage = CommonEventMessage | PcEventMessage | PfEventMessage;

export type HostToWebviewMessage = PcSnapshotMessage | PfSnapshotMessage | PositionMessage | NoticeMessage | ReplyMessage;
export type WebviewToHostMessage = WebviewEventMessage | RequestMessage;

export type PanelState = ProcessCreationState | PageFaultState;
