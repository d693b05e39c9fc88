// A malformed or oversized Thrift message. Internal to the transport: the client turns it into
// an RpcError of kind 'protocol', the server into a best-effort exception reply and a close.

/** The header of a Thrift message: method name, message type and sequence id. */
export interface MessageHeader {
  name: string;
  type: number;
  seqid: number;
}

export class ThriftProtocolError extends Error {
  /** The header of the offending message, when it could be read (lets a server reply). */
  header: MessageHeader | undefined;

  constructor(message: string, header?: MessageHeader) {
    super(message);
    this.name = 'ThriftProtocolError';
    this.header = header;
  }
}
