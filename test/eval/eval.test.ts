// The evaluation tables' targets (issue: plain words). The held-out parts were written apart from
// the rules and are never read while writing them; the dev parts are what the rules were built on.
// Where a held-out figure is still below the target, the test holds today's measured level
// as a floor (so it cannot slip) and names the target it has not reached; README says which.
import { expect } from 'chai';
import { defaultChecker, emergencyFigures, fraudFigures, intentFigures, pct, type EmergencyFigures, type FraudFigures, type IntentFigures } from './tables.js';

describe('evaluation tables', function () {
  this.timeout(120_000);
  const checker = defaultChecker();
  let emDev: EmergencyFigures;
  let emHeld: EmergencyFigures;
  let inDev: IntentFigures;
  let inHeld: IntentFigures;
  let fraudHeld: FraudFigures;

  before(async () => {
    [emDev, emHeld, inDev, inHeld] = await Promise.all([
      emergencyFigures('dev', checker), emergencyFigures('heldout', checker), intentFigures('dev', checker), intentFigures('heldout', checker),
    ]);
    fraudHeld = fraudFigures('heldout', checker);
  });

  describe('emergencies (≥300 messages, ≥150 of each side)', () => {
    it('has the table the issue asks for in test/fixtures (the held-out part alone)', () => {
      expect(emHeld.numberFirst.n).to.be.at.least(150);
      expect(emHeld.falseAlarm.n).to.be.at.least(150);
    });
    it('dev: ≥97% of emergencies get the number first, ≤2% of ordinary messages do', () => {
      expect(pct(emDev.numberFirst)).to.be.at.least(0.97);
      expect(pct(emDev.falseAlarm)).to.be.at.most(0.02);
    });
    it('held-out: ≤2% of ordinary messages are answered as an emergency', () => expect(pct(emHeld.falseAlarm)).to.be.at.most(0.02));
    it('held-out: ≥97% of emergencies get the number first', () => expect(pct(emHeld.numberFirst)).to.be.at.least(0.97));
  });

  describe('intents (≥200 messages)', () => {
    it('has the table the issue asks for', () => expect(inDev.right.n + inHeld.right.n).to.be.at.least(200));
    it('dev: ≥90% reach the right intent, 「没能明白」 ≤5%', () => {
      expect(pct(inDev.right)).to.be.at.least(0.9);
      expect(pct(inDev.notUnderstood)).to.be.at.most(0.05);
    });
    it('held-out: 「没能明白」 ≤5%', () => expect(pct(inHeld.notUnderstood)).to.be.at.most(0.05));
    it('held-out: ≥90% reach the right intent', () => expect(pct(inHeld.right)).to.be.at.least(0.9));
  });

  describe('fraud corpus (held-out split)', () => {
    it('recall ≥0.95', () => expect(pct(fraudHeld.recall)).to.be.at.least(0.95));
    it('false-positive rate ≤0.03', () => expect(pct(fraudHeld.falsePositive)).to.be.at.most(0.03));
    it('the right type ≥0.85 of the time', () => expect(pct(fraudHeld.rightType)).to.be.at.least(0.85));
  });
});
