#!/usr/bin/env node
// The current 6-digit TOTP code for a MyPatients key, for development without a phone:
//   npm run web:totp -- JBSW Y3DP EHPK 3PXP      (the key the sign-in page shows, spaces allowed)
// Prints the code and how many seconds it stays valid. Never use this for a real account.
import { generate } from 'otplib';

const secret = process.argv.slice(2).join('').replace(/\s/g, '').toUpperCase();
if (!/^[A-Z2-7]+=*$/.test(secret)) {
  console.error('usage: npm run web:totp -- <the key shown at sign-in>');
  process.exit(2);
}
const now = Math.floor(Date.now() / 1000);
try {
  console.log(await generate({ secret, epoch: now, period: 30, digits: 6 }));
} catch (error) {
  console.error(`not a usable key: ${error.message}`);
  process.exit(2);
}
console.error(`valid for ${30 - (now % 30)} more seconds (each code works once)`);
