// Typed access to the verified vectors in test/fixtures/wechat (copied verbatim from the project's development material).
import { readFileSync } from 'node:fs';

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/wechat/${name}`, import.meta.url), 'utf8');
}

interface AesCase {
  plaintext: string;
  expected_Encrypt: string;
  derived_msg_signature_for_token_timestamp_nonce?: string;
}

export interface Vectors {
  plain_signature: Array<{ token: string; timestamp: string; nonce: string; signature: string; expect: string }>;
  msg_signature_only: Array<{ token: string; timestamp: string; nonce: string; encrypt: string; msg_signature: string }>;
  aes_official_sample: {
    encodingAESKey: string;
    token: string;
    timestamp: string;
    nonce: string;
    appId: string;
    randomStr: string;
    case1: AesCase;
    case2: AesCase;
  };
  aes_easywechat_decrypt: {
    appId: string;
    token: string;
    encodingAESKey: string;
    msg_signature: string;
    nonce: string;
    timestamp: string;
    request_body: string;
    Encrypt: string;
    asserted_fields: Record<string, string>;
    derived_decryption: { msg: string };
    negative_cases: Array<{ msg_signature?: string; appId_configured?: string }>;
  };
  aes_wechatpy_work: {
    token: string;
    encodingAESKey: string;
    receive_id: string;
    echostr_check: {
      msg_signature: string;
      timestamp: string;
      nonce: string;
      echostr: string;
      negative_nonce: string;
      derived_decryption: { msg: string };
    };
    decrypt: {
      msg_signature: string;
      timestamp: string;
      nonce: string;
      request_body: string;
      Encrypt: string;
      asserted_fields: Record<string, string>;
      derived_decryption: { msg: string };
    };
    encrypt_reply: {
      random16: string;
      timestamp: string;
      nonce: string;
      reply_plaintext: string;
      expected_envelope: string;
      expected_Encrypt: string;
      expected_MsgSignature: string;
    };
  };
  inbound_xml_samples: Record<string, string | string[]>;
  passive_reply_templates: Record<string, string | string[]>;
}

export const vectors = JSON.parse(fixture('vectors.json')) as Vectors;

/** The inbound sample XML documents (the `_source` and `notes` entries are not samples). */
export function inboundSamples(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vectors.inbound_xml_samples)) if (typeof v === 'string' && !k.startsWith('_')) out[k] = v;
  return out;
}
