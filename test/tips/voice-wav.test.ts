import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { amrToWav, amrToWavInWorker, pcmWav, VoiceDecodeError } from '../../src/tips/voice-wav.js';

// A spoken sentence (espeak-ng, Mandarin), encoded to AMR-NB at 12.2 kbit/s by opencore-amr, as
// WeChat records voice: 9,830 bytes, 6.14 s.
const VOICE = readFileSync(new URL('../fixtures/media/voice-zh.amr', import.meta.url));

const rejects = async (p: Promise<unknown>): Promise<unknown> => {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
};

describe('tips/voice-wav: a citizen\'s AMR voice as WAV for the browser', () => {
  it('decodes AMR-NB into 16-bit mono PCM WAV at 8 kHz, the whole length, with the speech in it', async () => {
    const wav = await amrToWav(VOICE);
    expect(wav.toString('latin1', 0, 4)).to.equal('RIFF');
    expect(wav.toString('latin1', 8, 16)).to.equal('WAVEfmt ');
    expect(wav.readUInt16LE(20)).to.equal(1); // PCM
    expect(wav.readUInt16LE(22)).to.equal(1); // mono
    expect(wav.readUInt32LE(24)).to.equal(8000);
    expect(wav.readUInt16LE(34)).to.equal(16);
    expect(wav.toString('latin1', 36, 40)).to.equal('data');
    const samples = wav.readUInt32LE(40) / 2;
    expect(wav.length).to.equal(44 + samples * 2);
    expect(samples / 8000).to.be.within(6.0, 6.2);
    // Speech, not silence: the loudness of the middle second (ffmpeg's own AMR decoder reads the same file alike).
    let sum = 0;
    for (let i = 0; i < 8000; i += 1) sum += wav.readInt16LE(44 + (16000 + i) * 2) ** 2;
    expect(Math.sqrt(sum / 8000)).to.be.above(1000);
  });

  it('refuses what is not AMR, a broken file and one far larger than a voice message, with one error type', async () => {
    for (const bad of [Buffer.from('not a voice'), Buffer.from('#!AMR\n'), Buffer.concat([Buffer.from('#!AMR\n'), Buffer.alloc(2 * 1024 * 1024, 0x3c)])]) {
      const err = await rejects(amrToWav(bad));
      expect(err).to.be.instanceOf(VoiceDecodeError);
      expect((err as VoiceDecodeError).code).to.equal('VOICE_NOT_PLAYABLE');
    }
  });

  it('decodes in a worker thread to the same bytes, and refuses there with the same error', async () => {
    expect((await amrToWavInWorker(VOICE)).equals(await amrToWav(VOICE))).to.equal(true);
    for (const bad of [Buffer.from('not a voice'), Buffer.from('#!AMR\n')]) {
      const err = await rejects(amrToWavInWorker(bad));
      expect(err).to.be.instanceOf(VoiceDecodeError);
      expect((err as VoiceDecodeError).code).to.equal('VOICE_NOT_PLAYABLE');
    }
  });

  it('writes samples beyond full scale clipped, not wrapped', () => {
    const wav = pcmWav(Float32Array.from([0, 1, -1, 2, -2, 0.5]), 8000);
    expect([0, 1, 2, 3, 4, 5].map((i) => wav.readInt16LE(44 + i * 2))).to.deep.equal([0, 32767, -32768, 32767, -32768, 16384]);
  });
});
