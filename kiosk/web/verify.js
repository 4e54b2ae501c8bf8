// The verification page: checks a document's QR payload (the URL fragment) in the browser.
// Mirrors forms/payload.py (the bytes), forms/trust.py (certificates, revocation and void
// lists) and forms/verify.py (the order of checks). Nothing in the fragment is ever sent.
"use strict";

(function () {
  const SIGNED_CONTEXT = "KVSIGNED1\0";
  const PAYLOAD_CONTEXT = "KV2\0";
  const PBKDF2_ITERATIONS = 600000;
  const EPOCH = Date.UTC(2000, 0, 1);
  const STATUS_TIMEOUT_MS = 3000;
  const VOIDS_KEY = "kiosk-verify-voids";
  const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const BCD = "0123456789X";
  const encoder = new TextEncoder();

  const REASONS = {
    malformed: ["二维码内容不完整或格式错误", "The QR code is damaged or is not a document code (malformed)"],
    unknown_key: ["签发密钥不在本区信任列表中", "Signed by a key this district does not trust (unknown key)"],
    altered: ["内容与签名不符，证明被篡改", "The content does not match its signature (altered)"],
    revoked: ["签发终端的密钥已被吊销", "The issuing terminal's key has been revoked (revoked key)"],
    key_not_valid: ["出具日期不在签发密钥的有效期内", "Issued outside the signing key's validity"],
    community_mismatch: ["证明所属社区与签发终端的社区不符", "The document's community is not the issuing terminal's (community mismatch)"],
    no_trust: ["无法加载本区的信任密钥列表", "The district's trusted keys could not be loaded"],
    unsupported: ["此浏览器不能核验签名，请换用较新的浏览器", "This browser cannot check Ed25519 signatures (Chrome 137, Firefox 129, Safari 17 or newer)"],
    no_payload: ["请用手机相机扫描证明上的二维码", "Scan the QR code on the document with your phone's camera"],
  };

  class Refusal extends Error {
    constructor(reason, detail) {
      super(reason);
      this.reason = reason;
      this.detail = detail || "";
    }
  }

  // ---- bytes ------------------------------------------------------------------------------
  function base32(text) {
    let bits = 0, value = 0;
    const out = [];
    for (const ch of text) {
      const v = B32.indexOf(ch);
      if (v < 0) throw new Refusal("malformed", "not base32");
      value = (value << 5) | v;
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out.push((value >> bits) & 0xff);
      }
    }
    // canonical only: leftover bits must be zero and fewer than five
    if (bits >= 5 || (value & ((1 << bits) - 1)) !== 0) throw new Refusal("malformed", "not canonical base32");
    return new Uint8Array(out);
  }

  function base64(text) {
    const raw = atob(text);
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  function concat(a, b) {
    const out = new Uint8Array(a.length + b.length);
    out.set(a, 0);
    out.set(b, a.length);
    return out;
  }

  function fingerprintText(raw) {
    const hex = Array.from(raw, (b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
    return hex.match(/.{4}/g).join("-");
  }

  function isoDay(days) {
    return new Date(EPOCH + days * 86400000).toISOString().slice(0, 10);
  }

  function addDays(iso, days) {
    return new Date(Date.parse(iso + "T00:00:00Z") + days * 86400000).toISOString().slice(0, 10);
  }

  function todayIso() {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  function cnDate(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    return `${y}年${m}月${d}日`;
  }

  // TextDecoder's gb18030 reads a lone byte 80 as €; GB18030 (and forms/payload.py) refuse it
  function lone80(raw) {
    for (let i = 0; i < raw.length; i += raw[i] < 0x80 ? 1 : raw[i + 1] >= 0x30 && raw[i + 1] <= 0x39 ? 4 : 2) {
      if (raw[i] === 0x80) return true;
    }
    return false;
  }

  class Reader {
    constructor(raw) { this.raw = raw; this.pos = 0; }
    take(n) {
      if (this.pos + n > this.raw.length) throw new Refusal("malformed", "payload too short");
      const chunk = this.raw.slice(this.pos, this.pos + n);
      this.pos += n;
      return chunk;
    }
    byte() { return this.take(1)[0]; }
    u16() { const b = this.take(2); return (b[0] << 8) | b[1]; }
    text(encoding) {
      const raw = this.take(this.byte());
      // TextDecoder's "ascii" is windows-1252: bytes 80-FF must be refused, as forms/payload.py does
      if (encoding === "ascii" && raw.some((b) => b > 0x7f)) throw new Refusal("malformed", "not ASCII");
      if (encoding === "gb18030" && lone80(raw)) throw new Refusal("malformed", "not GB18030");
      try {
        return new TextDecoder(encoding, { fatal: true }).decode(raw);
      } catch (e) {
        throw new Refusal("malformed", "bad text");
      }
    }
  }

  // The payload in a link's fragment (location.hash); a broken %-escape is a malformed payload.
  function fragmentOf(hash) {
    try {
      return decodeURIComponent(hash.slice(1)).trim();
    } catch (e) {
      throw new Refusal("malformed", "bad %-escape");
    }
  }

  // The KV2 layout of forms/payload.py.
  function decodePayload(fragment) {
    if (!fragment) throw new Refusal("no_payload");
    const r = new Reader(base32(fragment));
    const version = r.byte();
    if (version !== 2) throw new Refusal("malformed", `format ${version}`);
    const status = r.byte();
    if (status > 1) throw new Refusal("malformed", "status");
    const issued = isoDay(r.u16());
    const validity = r.u16();
    const community = r.text("ascii");
    let serial;
    if (r.raw[r.pos] === 0) {
      r.take(1);
      const s = r.take(3);
      const seq = String((s[0] << 16) | (s[1] << 8) | s[2]).padStart(5, "0");
      serial = `${community}-${issued.replaceAll("-", "")}-${seq}`;
    } else {
      serial = r.text("ascii");
    }
    const name = r.text("gb18030");
    const nibbles = Array.from(r.take(5), (b) => [b >> 4, b & 15]).flat();
    if (nibbles.some((n) => n > 10)) throw new Refusal("malformed", "masked ID");
    const kept = nibbles.map((n) => BCD[n]).join("");
    const masked = kept.slice(0, 6) + "********" + kept.slice(6);
    const identity = r.take(8);
    r.take(16); // the visible-text digest: checked by `kiosk verify FILE.pdf`
    const keyId = fingerprintText(r.take(8));
    const end = r.pos;
    const signature = r.take(64);
    if (r.pos !== r.raw.length) throw new Refusal("malformed", "trailing bytes");
    const message = concat(encoder.encode(PAYLOAD_CONTEXT), r.raw.slice(0, end));
    return { status, issued, validity, community, serial, name, masked, identity, keyId, message, signature };
  }

  // ---- trust (forms/trust.py) -------------------------------------------------------------
  async function importKey(raw) {
    return crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
  }

  async function verifySig(key, signature, message) {
    return crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
  }

  async function checkSigned(signed, key) {
    const message = encoder.encode(SIGNED_CONTEXT + signed.body);
    return verifySig(key, base64(signed.signature), message);
  }

  async function loadTrust() {
    const response = await fetch("trust.json", { cache: "no-cache" });
    if (!response.ok) throw new Refusal("no_trust", `HTTP ${response.status}`);
    const bundle = await response.json();
    const trust = { roots: {}, certs: {}, revoked: {} };
    for (const root of bundle.roots || []) {
      trust.roots[root.key_id] = { key: await importKey(base64(root.public_key)), demo: root.demo === true };
    }
    for (const signed of bundle.certificates || []) {
      const f = JSON.parse(signed.body);
      const root = trust.roots[f.signer];
      if (f.type !== "kiosk-certificate" || !root || !(await checkSigned(signed, root.key))) continue;
      f.key = await importKey(base64(f.public_key));
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", base64(f.public_key)));
      if (fingerprintText(digest.slice(0, 8)) !== f.key_id) continue;
      trust.certs[f.key_id] = f;
    }
    for (const signed of bundle.revocations || []) {
      const f = JSON.parse(signed.body);
      const root = trust.roots[f.signer];
      if (f.type !== "kiosk-revocations" || !root || !(await checkSigned(signed, root.key))) continue;
      for (const entry of f.revoked) trust.revoked[entry.key_id] = entry;
    }
    return trust;
  }

  // The order of checks of forms/verify.py: format, key, signature, revocation, dates, community.
  async function verifyPayload(fragment, trust) {
    const p = decodePayload(fragment);
    const cert = trust.certs[p.keyId];
    if (!cert || cert.purpose !== "documents") throw new Refusal("unknown_key", p.keyId);
    if (!(await verifySig(cert.key, p.signature, p.message))) throw new Refusal("altered");
    const revoked = trust.revoked[p.keyId];
    if (revoked) throw new Refusal("revoked", revoked.revoked_at.slice(0, 10));
    if (p.issued < cert.not_before || p.issued > cert.not_after) throw new Refusal("key_not_valid");
    if (p.community !== cert.community_code) throw new Refusal("community_mismatch");
    p.cert = cert;
    p.validUntil = p.validity ? addDays(p.issued, p.validity - 1) : null;
    return p;
  }

  // ---- voids ------------------------------------------------------------------------------
  async function checkVoidList(signed, trust) {
    const f = JSON.parse(signed.body);
    if (f.type !== "kiosk-voids") return null;
    const root = trust.roots[f.signer];
    if (root && (await checkSigned(signed, root.key))) return f;
    const cert = trust.certs[f.signer];
    if (!cert || cert.purpose !== "voids" || trust.revoked[f.signer]) return null;
    const day = f.issued_at.slice(0, 10);
    if (day < cert.not_before || day > cert.not_after) return null;
    return (await checkSigned(signed, cert.key)) ? f : null;
  }

  async function refreshVoidList(trust) {
    try {
      const response = await fetch("voids.json", { cache: "no-store" });
      if (!response.ok) return;
      const signed = await response.json();
      const list = await checkVoidList(signed, trust);
      const held = cachedVoidsBody();
      if (list && (!held || held.issued_at <= list.issued_at)) {
        localStorage.setItem(VOIDS_KEY, JSON.stringify(signed));
        document.documentElement.dataset.voidsCached = list.issued_at;
      }
    } catch (e) {
      // offline: keep the list we have
    }
  }

  function cachedVoidsBody() {
    try {
      const signed = JSON.parse(localStorage.getItem(VOIDS_KEY) || "null");
      return signed ? JSON.parse(signed.body) : null;
    } catch (e) {
      return null;
    }
  }

  async function voidStatus(serial, trust) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), STATUS_TIMEOUT_MS);
    try {
      const response = await fetch(`/status/${encodeURIComponent(serial)}`, { cache: "no-store", signal: controller.signal });
      if (response.ok) {
        const answer = await response.json();
        return { online: true, voided: answer.voided === true, pending: answer.pending === true };
      }
    } catch (e) {
      // fall through to the cached list
    } finally {
      clearTimeout(timer);
    }
    let list = null;
    try {
      const signed = JSON.parse(localStorage.getItem(VOIDS_KEY) || "null");
      list = signed ? await checkVoidList(signed, trust) : null;
    } catch (e) {
      list = null;
    }
    if (!list) return { online: false, voided: false, asOf: null };
    return { online: false, voided: list.serials.includes(serial), asOf: list.issued_at };
  }

  // ---- what the clerk sees ----------------------------------------------------------------
  const $ = (id) => document.getElementById(id);

  function show(id, zh, en) {
    const el = $(id);
    el.textContent = "";
    el.append(zh);
    if (en) {
      el.append(document.createElement("br"));
      const span = document.createElement("span");
      span.lang = "en";
      span.className = "en";
      span.textContent = en;
      el.append(span);
    }
    el.hidden = false;
  }

  function headline(kind, zh, en) {
    const box = $("verdict");
    box.className = `verdict ${kind}`;
    $("verdict-zh").textContent = zh;
    $("verdict-en").textContent = en;
    document.documentElement.dataset.verdict = kind;
  }

  function reason(zh, en) {
    $("reason-zh").textContent = zh;
    $("reason-en").textContent = en;
    $("reason-zh").hidden = $("reason-en").hidden = !zh;
  }

  function showParticulars(p) {
    $("p-serial").textContent = p.serial;
    $("p-name").textContent = p.name;
    $("p-issued").textContent = cnDate(p.issued);
    $("p-valid").textContent = p.validUntil ? `${cnDate(p.validUntil)}（${p.validity}日）` : "未注明 not stated";
    $("p-community").textContent = `${p.cert.community}（${p.community}）`;
    $("p-id").textContent = p.masked;
    $("particulars").hidden = false;
    $("demo-note").hidden = p.cert.demo !== true;
    $("holder").hidden = false;
  }

  function refuse(refusal) {
    const [zh, en] = REASONS[refusal.reason] || REASONS.malformed;
    if (refusal.reason === "no_payload") {
      headline("checking", "未找到证明信息", "No document in this link");
    } else {
      headline("invalid", "无效", "INVALID");
    }
    const when = refusal.reason === "revoked" && refusal.detail ? `（吊销于 ${refusal.detail}）` : "";
    reason(zh + when, en);
    document.documentElement.dataset.reason = refusal.reason;
  }

  function genuineHeadline(p, voids) {
    if (voids.voided) {
      headline("voided", "已作废", "VOIDED");
      reason("此证明已被出具单位作废，不再有效", "This document has been voided by its issuer");
    } else if (p.status === 1 || voids.pending) {
      headline("pending", "待审核", "PENDING");
      reason("此件尚未经工作人员审核盖章，不能作为证明使用", "Not yet checked and sealed by staff: not valid as a certificate");
    } else if (p.validUntil && todayIso() > p.validUntil) {
      headline("expired", "已过期", "EXPIRED");
      reason(`有效期至${cnDate(p.validUntil)}，已过期`, `Valid until ${p.validUntil}: expired`);
    } else {
      headline("valid", "有效", "VALID");
      reason("", "");
    }
  }

  function voidNote(voids) {
    if (voids.online) {
      show("void-note", voids.voided ? "已联网核查：已作废" : "已联网核查：未作废", voids.voided ? "Checked online: voided" : "Checked online: not voided");
    } else if (voids.asOf) {
      const when = voids.asOf.replace("T", " ").slice(0, 16);
      show("void-note",
        `无法联网核查是否作废；据 ${when} 的作废名单${voids.voided ? "已作废" : "未作废"}`,
        `Could not check online for voids; ${voids.voided ? "on" : "not on"} the void list of ${when}`);
    } else {
      show("void-note", "无法联网核查是否作废，本机也没有作废名单", "Could not check for voids: offline, and no void list on this phone");
    }
    document.documentElement.dataset.voids = voids.online ? "online" : voids.asOf ? "list" : "none";
  }

  // ---- 核对持证人: the identity hash of forms/verify.py, in the browser -------------------
  async function identityHash(name, idNumber, serial) {
    const number = idNumber.normalize("NFKC").replace(/\s/g, "").toUpperCase();
    const secret = encoder.encode(`${name.trim()}\n${number}`);
    const salt = concat(encoder.encode("KV2 identity\0"), encoder.encode(serial));
    const key = await crypto.subtle.importKey("raw", secret, "PBKDF2", false, ["deriveBits"]);
    const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: PBKDF2_ITERATIONS }, key, 64);
    return new Uint8Array(bits);
  }

  function wireHolder(p) {
    $("holder-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      show("holder-result", "正在计算…", "Checking…");
      const got = await identityHash($("holder-name").value, $("holder-id").value, p.serial);
      const same = got.length === p.identity.length && got.every((b, i) => b === p.identity[i]);
      $("holder-result").dataset.match = same ? "yes" : "no";
      if (same) show("holder-result", "一致：与证明上的持证人相符", "Matches the holder named on the document");
      else show("holder-result", "不一致：与证明上的持证人不符", "Does not match the holder named on the document");
    });
  }

  async function run() {
    try {
      const fragment = fragmentOf(location.hash);
      if (!fragment) throw new Refusal("no_payload");
      if (!(window.crypto && crypto.subtle)) throw new Refusal("unsupported");
      let trust;
      try {
        trust = await loadTrust();
      } catch (e) {
        throw e instanceof Refusal ? e : new Refusal("no_trust", String(e));
      }
      let p;
      try {
        p = await verifyPayload(fragment, trust);
      } catch (e) {
        if (e instanceof Refusal) throw e;
        if (e && e.name === "NotSupportedError") throw new Refusal("unsupported");
        throw new Refusal("malformed", String(e));
      }
      showParticulars(p);
      wireHolder(p);
      headline("checking", "签名有效，正在核查作废状态…", "Signature good, checking for voids…");
      const voids = await voidStatus(p.serial, trust);
      genuineHeadline(p, voids);
      voidNote(voids);
      refreshVoidList(trust);
    } catch (e) {
      refuse(e instanceof Refusal ? e : new Refusal("malformed", String(e)));
    }
    document.documentElement.dataset.done = String(performance.now());
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("sw.js").then(() => navigator.serviceWorker.ready).then(() => {
      document.documentElement.dataset.offline = "ready";
    }).catch(() => {});
  }
  window.addEventListener("hashchange", () => location.reload());
  run();
})();
