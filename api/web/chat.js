// Web chat. Nothing is written to cookies or browser storage: the session id lives only in
// this variable and is gone when the page goes. Replies are rendered as text, never as HTML.
"use strict";

(function () {
  var SHIFT_PRESSES = 3;
  var SHIFT_WINDOW_MS = 1000; // each press must follow the last one within this time
  var REQUEST_TIMEOUT_MS = 15000;
  // The one place numbers are written into the page: shown when the chat cannot answer.
  var FAILURE_MESSAGE =
    "Sorry, the chat is not working right now.\n" +
    "If you are in danger now, call 999.\n" +
    "On a mobile, if you cannot speak: call 999, stay on the line, cough or tap, " +
    "then press 55 when asked.\n" +
    "National Domestic Abuse Helpline: 0808 2000 247 (free, 24 hours a day, every day).";

  var session = newSessionId();
  var exitUrl = document.documentElement.getAttribute("data-exit-url");
  var exiting = false;
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var exitStatus = document.getElementById("exit-status");

  function newSessionId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  // ---- Quick exit -------------------------------------------------------------------------

  function quickExit(event) {
    if (event) event.preventDefault();
    if (exiting) return;
    exiting = true;
    // Blank first, so nothing stays on screen while the network works.
    document.body.hidden = true;
    log.replaceChildren();
    try {
      // keepalive lets the request finish after the page has gone.
      fetch("/api/chat/" + encodeURIComponent(session), {
        method: "DELETE",
        keepalive: true,
        credentials: "omit",
      }).catch(function () {});
    } catch (e) {
      // The server forgets the chat after 30 idle minutes anyway; leaving matters more.
    }
    // replace, not assign: Back must not return to the chat.
    location.replace(exitUrl);
  }

  document.querySelectorAll("[data-exit]").forEach(function (el) {
    el.addEventListener("click", quickExit);
  });

  // Shift pressed and released three times in quick succession. Shift used with another key
  // (capitals, Shift+Enter) does not count, so typing never triggers an exit.
  var shiftCount = 0;
  var shiftAlone = false;
  var shiftTimer = null;

  function resetShift() {
    shiftCount = 0;
    clearTimeout(shiftTimer);
    exitStatus.textContent = "";
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      if (!event.repeat) shiftAlone = true;
    } else {
      shiftAlone = false;
      if (shiftCount) resetShift();
    }
  });

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift" || !shiftAlone) return;
    shiftAlone = false;
    shiftCount += 1;
    clearTimeout(shiftTimer);
    if (shiftCount >= SHIFT_PRESSES) {
      quickExit();
      return;
    }
    var left = SHIFT_PRESSES - shiftCount;
    exitStatus.textContent =
      "Shift, press " + left + " more " + (left === 1 ? "time" : "times") + " to exit.";
    shiftTimer = setTimeout(resetShift, SHIFT_WINDOW_MS);
  });

  // ---- Rendering --------------------------------------------------------------------------

  // URLs, email addresses and UK phone numbers (long numbers, 999, 111, 116 xxx, 18000).
  var LINK_PATTERN = new RegExp(
    [
      "(https?:\\/\\/[^\\s<>\"]+|www\\.[^\\s<>\"]+)",
      "([\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+)",
      "((?:\\+44\\s?|\\b0)\\d{2,4}(?:[ -]?\\d){6,8}\\b|\\b(?:999|111|116 ?\\d{3}|18000)\\b)",
    ].join("|"),
    "g"
  );

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  // Builds text nodes and <a> elements only, so markup in a message stays visible text.
  function appendLinkified(parent, text) {
    var last = 0;
    var match;
    LINK_PATTERN.lastIndex = 0;
    while ((match = LINK_PATTERN.exec(text)) !== null) {
      var found = match[0];
      var trailing = "";
      if (match[1]) {
        // Sentence punctuation after a URL belongs to the sentence.
        var cut = found.match(/[.,;:!?)]+$/);
        if (cut) {
          trailing = cut[0];
          found = found.slice(0, -trailing.length);
        }
      }
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var a;
      if (match[1]) {
        a = link(/^www\./.test(found) ? "https://" + found : found, found);
        a.target = "_blank";
        a.rel = "noopener noreferrer";
      } else if (match[2]) {
        a = link("mailto:" + found, found);
      } else {
        a = link("tel:" + found.replace(/[^\d+]/g, ""), found);
      }
      parent.appendChild(a);
      parent.appendChild(document.createTextNode(trailing));
      last = match.index + match[0].length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function addMessage(who, text, buttons) {
    var msg = document.createElement("div");
    msg.className = "msg " + who;
    var p = document.createElement("p");
    p.className = "text";
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = who === "user" ? "You said: " : "Reply: ";
    p.appendChild(label);
    appendLinkified(p, text);
    msg.appendChild(p);
    if (buttons && buttons.length) {
      var group = document.createElement("div");
      group.className = "choices";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Choices");
      buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = String(b.title);
        button.addEventListener("click", function () {
          send(String(b.payload), String(b.title));
        });
        group.appendChild(button);
      });
      msg.appendChild(group);
    }
    log.appendChild(msg);
    msg.scrollIntoView({ block: "nearest" });
  }

  // Choices belong to the turn they came with; once the person has answered, they are spent.
  function retireChoices() {
    log.querySelectorAll(".choices button").forEach(function (b) {
      b.disabled = true;
    });
  }

  // ---- Talking to the server ----------------------------------------------------------------

  var busy = false;

  function setBusy(value) {
    busy = value;
    log.setAttribute("aria-busy", value ? "true" : "false");
    form.querySelector("button[type=submit]").disabled = value;
  }

  function validReplies(data) {
    return (
      data &&
      Array.isArray(data.replies) &&
      data.replies.length > 0 &&
      data.replies.every(function (r) {
        return r && typeof r.text === "string";
      })
    );
  }

  function send(message, shown) {
    if (busy || exiting) return;
    retireChoices();
    addMessage("user", shown);
    input.focus();
    setBusy(true);
    var controller = new AbortController();
    var timer = setTimeout(function () {
      controller.abort();
    }, REQUEST_TIMEOUT_MS);
    fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session: session, message: message }),
      credentials: "omit",
      cache: "no-store",
      signal: controller.signal,
    })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (!validReplies(data)) throw new Error("no replies");
        return data.replies;
      })
      .catch(function () {
        return [{ text: FAILURE_MESSAGE }];
      })
      .then(function (replies) {
        clearTimeout(timer);
        setBusy(false);
        if (exiting) return;
        replies.forEach(function (r) {
          addMessage("bot", r.text, Array.isArray(r.buttons) ? r.buttons : []);
        });
      });
  }

  // The answer goes to the bot as the words on the button, so it can go straight on.
  document.getElementById("safe-yes").addEventListener("click", function (event) {
    var answer = event.currentTarget.textContent;
    send(answer, answer);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || busy) return;
    input.value = "";
    send(text, text);
  });

  // Enter sends; Shift+Enter makes a new line.
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
