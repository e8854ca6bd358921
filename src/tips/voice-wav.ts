// A citizen's voice message as WAV, so staff can listen in the browser: WeChat records voice as
// AMR (narrow band, 8 kHz), which no browser plays. Decoded with opencore-amr (WebAssembly, the
// @audio/decode-amr package) into 16-bit PCM, mono, at the file's own rate.
import decodeAmr from '@audio/decode-amr';
import { runInWorker } from '../platform/worker-thread.js';

/**
 * The largest AMR decoded: WeChat's voice messages last at most 60 s, about 92 KB at AMR's
 * highest rate (12.2 kbit/s); a file far beyond that is not a voice message.
 */
export const MAX_AMR_BYTES = 1024 * 1024;

export class VoiceDecodeError extends Error {
  readonly code = 'VOICE_NOT_PLAYABLE';
}

/** Whether the bytes are AMR by their header (narrow or wide band). */
export const isAmr = (data: Buffer): boolean => data.subarray(0, 9).toString('latin1').startsWith('#!AMR');

/** WAV (RIFF, PCM 16-bit, mono) of the AMR file `data`; a file it cannot decode is a VoiceDecodeError. */
export async function amrToWav(data: Buffer): Promise<Buffer> {
  if (!isAmr(data)) throw new VoiceDecodeError('not an AMR file');
  if (data.length > MAX_AMR_BYTES) throw new VoiceDecodeError('AMR file too large');
  let decoded: { channelData: Float32Array[]; sampleRate: number };
  try {
    decoded = await decodeAmr(new Uint8Array(data.buffer, data.byteOffset, data.length));
  } catch (err) {
    throw new VoiceDecodeError('AMR decoding failed', { cause: err });
  }
  const samples = decoded.channelData[0];
  if (!samples || samples.length === 0 || !(decoded.sampleRate > 0)) throw new VoiceDecodeError('AMR file holds no audio');
  return pcmWav(samples, decoded.sampleRate);
}

/**
 * amrToWav in a worker thread: a minute of voice takes tens of milliseconds to decode, which on
 * the main thread would hold up every citizen's message meanwhile.
 */
export async function amrToWavInWorker(data: Buffer): Promise<Buffer> {
  const answer = await runInWorker('./voice-wav-worker.js', import.meta.url, data) as { wav?: unknown; undecodable?: unknown };
  if (answer.wav instanceof Uint8Array) return Buffer.from(answer.wav.buffer, answer.wav.byteOffset, answer.wav.length);
  throw new VoiceDecodeError(typeof answer.undecodable === 'string' ? answer.undecodable : 'AMR decoding failed');
}

/** A mono 16-bit PCM WAV file of float samples in [-1, 1] (clipped beyond). */
export function pcmWav(samples: Float32Array, sampleRate: number): Buffer {
  const dataBytes = samples.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'latin1');
  out.write('fmt ', 12, 'latin1');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28); // bytes per second
  out.writeUInt16LE(2, 32); // bytes per frame
  out.writeUInt16LE(16, 34); // bits per sample
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i += 1) {
    const s = Math.max(-1, Math.min(1, samples[i] ?? 0));
    out.writeInt16LE(Math.round(s < 0 ? s * 0x8000 : s * 0x7fff), 44 + i * 2);
  }
  return out;
}
