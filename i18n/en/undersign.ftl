# undersign interface strings: English (the reference for every translation).
# Keep messages plain and short: many signers read in a second language.
# One idea per sentence; no idioms; "you" for the signer, "the organizers"
# for the people who run the petition.

## Every page
lang-name = English
lang-nav = Language
demo-title = Demo.
demo-banner = This is a demonstration petition: its secret key sits on this server, so nothing signed here is private. Do not enter real details.
back = Back to the petition
link-about = What happens to my signature
onion-address = On Tor, this petition's only onion address is:
link-withdraw = Withdraw a signature
link-check = Check a signature
link-accessibility = Accessibility
footer-organizers = This petition is run by { $name }.
footer-contact = Contact the organizers:
fallback-note = This text is not yet available in your language, so it is shown in its original language.

## The petition page
sign-jump = Sign this petition
signatures-label = Signatures
count-line = { $count ->
    [one] { $count } signature
   *[other] { $count } signatures
}
count-goal = Goal: { $goal }
closed-heading = Signing has closed
closed-text = This petition no longer accepts signatures. Thank you to everyone who signed.
paused-heading = Signing is paused
paused-text = The organizers have paused signing for now. Please come back later.
sign-heading = Sign
error-prefix = Error:
errors-heading = { $count ->
    [one] Please correct this problem:
   *[other] Please correct these { $count } problems:
}
field-first-name = Given name
field-last-name = Family name
name-hint = If you have only one name, write it in either box.
field-affiliation = Organization
field-email = Email
optional = (optional)
consent-label = I agree to sign this petition with the details above.
public-label = List my name publicly
public-hint = Your name and organization are then published with the petition. If you leave this box empty, your name is never published.
before-heading = Before you sign
who-sees-name = Who will see my name?
who-gets-email = Who gets my email, and what for?
who-runs = Who runs this petition?
how-kept = How are my details kept safe?
how-kept-text = Your details are locked (encrypted) as soon as they reach this server. Only the organizers can unlock them, on their own computers. This server cannot read them. It keeps no record of your IP address and sets no cookies.
honeypot-label = Leave this field empty
sign-button = Sign the petition
sign-sending = Sending…
pow-status = Checking that you are not a robot… Your signature is sent in a moment.
seal-status = Locking your details in your browser…
seal-dropped = The connection was lost, so this page cannot tell yet whether your signature arrived. What you typed is still here. Please press "Sign the petition" again. Your signature is never counted twice.

## Problems with one field
problem-missing = { $field }: please fill this in.
problem-name-missing = Name: please write your name in at least one of the two boxes.
problem-too-long = { $field }: too long (at most { $max } characters).
problem-control = { $field }: contains a character that is not allowed.
problem-not-email = { $field }: this does not look like an email address (name@example.org).
problem-no-consent = Please tick the box to confirm that you want to sign.

## The receipt page
receipt-title = Thank you for signing
receipt-heading = Thank you: your signature is saved
receipt-locked = It was locked before it was stored. Only the organizers can unlock it.
receipt-sealed-browser = Your browser locked your details before sending them, so this server never saw them.
receipt-sealed-server = This server locked your details as soon as they arrived, before storing them.
receipt-code-heading = Your receipt code
receipt-code-spoken = Your receipt code, character by character:
receipt-paper = Write this code on paper now. It is shown only this once, and it is not stored anywhere, so nobody can give it to you again.
receipt-copies = A screenshot, a printout or a copy of the code also works, but it leaves a copy on this device. Copied text can also reach your other devices through clipboard sync.
receipt-close = When you have written it down, close this tab. Do not reload this page.
receipt-private = With this code you can take your signature back, or check that it is still counted. Anyone who has the code can do the same, so keep it private.
receipt-how = To do that, open one of these pages and type the code there. The code is never put in a link or a web address.

## Checking the public log (on the receipt page)
log-check-heading = Check that your signature is counted
log-check-intro = This petition keeps a public log: one scrambled entry for each signature, which nobody can link to a name. With it, anyone can check that the number on this page is true and that no signature was quietly removed. You can also check your own signature with the free undersign program, on your own computer:
log-check-code = The program asks for your receipt code and looks for your entry on your own computer: your code is never sent to this server or anywhere else. New signatures join the log every few minutes, so if you check right away, try again a little later.

## When a signature cannot be kept now: the form comes back with what was typed
form-unreadable-heading = The form could not be read
form-wrong-type = Signatures are sent as an ordinary web form. Nothing was kept.
form-too-large = The form was too large to accept. Please shorten what you typed and try again. Nothing was kept.
form-broken = The form arrived damaged or incomplete. Please go back and try again. Nothing was kept.
closed-refused = This petition no longer accepts signatures. Nothing you sent was kept.
paused-refused = The organizers have paused signing for now. Nothing you sent was kept. Please come back later.
try-later-heading = Please try again a little later
too-many-from-network = Too many signatures came from your network in a short time. If many people share your connection (a shelter, a campus, Tor), this is not about you. Nothing was kept yet.
no-js-budget = Right now many people are signing with JavaScript turned off. To keep out automated spam, the server accepts only a few of those signatures at a time. Nothing was kept yet.
unknown-network-heading = This request could not be accepted
unknown-network = The server could not tell which network this request came from, so it did not accept it. Nothing you sent was kept. This is a problem in the server's setup, not on your side: please tell the petition's organizers.
no-puzzle-budget = Right now many people are signing without solving the puzzle. To keep out automated spam, the server accepts only a few of those signatures at a time. Nothing was kept yet. You can solve the puzzle below and press "Sign the petition" again.
pow-unfinished = Your browser could not finish the background check in time. This can happen on a slow phone. Nothing was kept yet.
try-again-in = { $minutes ->
    [one] Your details are still in the form below. Please press "Sign the petition" again in about one minute.
   *[other] Your details are still in the form below. Please press "Sign the petition" again in about { $minutes } minutes.
}
kept-below = Your details are still in the form below. Please check them and press "Sign the petition" again.
bad-challenge = This form could not be checked. Nothing was kept yet.
captcha-failed = The puzzle could not be checked. Nothing was kept yet. Please solve it again, or press "Sign the petition" without it.
expired = This page was open for a long time, so its form expired. Nothing was kept yet.
already-sent-heading = This form was already sent
already-sent = Your signature is counted only once. If you saw a receipt code, your signature is saved. If you did not see one, it was most likely saved too. Signing again from the petition page is safe: the organizers remove double signatures.
save-failed-heading = Your signature could not be saved
seal-failed = Something went wrong while locking your signature. Nothing was kept.
store-failed = The server could not store your signature just now, so you have no receipt code.
not-found-heading = Page not found
not-found = There is nothing at this address.

## Withdrawing and checking with the receipt code
withdraw-heading = Withdraw my signature
withdraw-intro = Type the receipt code you were given when you signed. Your signature will be deleted from the petition for good.
withdraw-button = Withdraw my signature
withdraw-done = If this code belonged to a signature, that signature is now deleted: it is no longer counted and will not be delivered. The same message is shown for every code, so that nobody can use this page to test codes.
check-heading = Check my signature
check-intro = Type the receipt code you were given when you signed to see whether your signature is still counted. Nothing else about it is shown.
check-button = Check
counted = This signature is counted.
not-counted = No counted signature has this code: it was withdrawn, or the code was mistyped.
code-label = Receipt code
code-hint = The 27 letters and digits on your receipt. Dashes, spaces and capitals do not matter.
code-bad = That is not a receipt code. A code has 27 letters and digits: please check that you typed all of it.
code-typo = This code has a typing mistake. Please compare each character with your receipt, especially the last ones.
code-too-many = Too many attempts from your network. Please wait an hour and try again.
code-failed = The server could not do this just now. Nothing was changed. Please try again later.

## What happens to my signature
about-heading = What happens to my signature
about-kept-heading = What is kept
about-kept-1 = When you sign, the server keeps: your name, your organization (if you gave one), your email, whether you asked to be listed publicly, the language of the page, and the day you signed. It does not keep the time.
about-kept-2 = It does not keep your IP address or your browser's details. It sets no cookie. There is no account and no tracking.
about-who-heading = Who can read it
about-who-1 = Your details are locked (encrypted) as soon as they arrive. Only the organizers hold the keys, on their own computers. The server cannot read your details. Someone who takes or copies the server cannot read them either. The organizers unlock the signatures offline, when they deliver the petition.
about-names-heading = Who will see my name
about-emails-heading = Who gets my email
about-organizers-heading = Who runs this petition
about-organizers = This petition is run by { $name }. You can write to them with questions, or to ask what they hold about you.
about-withdraw-heading = How to take your signature back
about-withdraw-1 = After signing you get a receipt code, shown once. Keep it private. With it you can withdraw your signature, or check that it is still counted, on the pages below. The server keeps no copy of the code. So nobody else can find your signature by it, and nobody can give it back to you if it is lost.
about-time-heading = How long it is kept
about-time-1 = After the petition is delivered, the organizers download the locked signatures and then delete them from the server.

## Accessibility statement
a11y-heading = Accessibility
a11y-1 = This petition aims to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA. It works without JavaScript, with a keyboard alone, with screen readers, at 320 pixels wide and at 200% zoom.
a11y-2 = The anti-spam check runs by itself in the background and never asks you to solve a puzzle. If it is not finished when you press "Sign the petition", your signature is sent anyway.
a11y-2-hcaptcha = To keep out spam, this petition shows a puzzle from hCaptcha, another company. If you cannot solve it, press "Sign the petition" anyway: your signature is still accepted, unless too many people have signed without the puzzle in a short time.
a11y-time = There is no time limit for filling in the form. If a page stays open for many hours, pressing "Sign the petition" shows the form again with everything you typed: press it once more.
a11y-3 = If something on these pages is hard to use, please tell the organizers:
