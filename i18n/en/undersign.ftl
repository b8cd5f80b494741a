# undersign interface strings: English (the reference for every translation).
# Keep messages plain and short: many signers read in a second language.

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

## The petition page
sign-jump = Sign this petition
fallback-note = This petition is not yet available in your language; it is shown in its original language.
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
errors-heading = { $count ->
    [one] Please correct this problem:
   *[other] Please correct these { $count } problems:
}
field-first-name = First name
field-last-name = Last name
field-affiliation = Organization
field-email = Email
optional = (optional)
consent-label = I agree to sign this petition with the details above.
public-label = List my name and organization publicly as a signer. If you leave this unticked, your name is never published.
kept-title = What is kept:
kept-text = your name, organization, email, the two choices above, the page's language and today's date (not the time). They are locked the moment they arrive with a key that only the petition's organizers hold, on their own computers. This server cannot read them, keeps no record of your IP address, and sets no cookies.
honeypot-label = Leave this field empty
sign-button = Sign the petition
pow-status = Checking that you are not a robot… your signature is sent in a moment.

## Problems with one field
problem-missing = { $field }: please fill this in.
problem-too-long = { $field }: too long (at most { $max } characters).
problem-control = { $field }: contains a character that is not allowed.
problem-not-email = { $field }: this does not look like an email address (name@example.org).
problem-no-consent = Please tick the box to confirm that you want to sign.

## The receipt page
receipt-title = Thank you for signing
receipt-heading = Thank you: your signature is saved
receipt-locked = It was locked with the organizers' key before it was stored. Only they can read it, offline.
receipt-code-heading = Your receipt code
receipt-once = This code is shown only once and is not stored anywhere. Write it down, print this page or copy it somewhere safe: it is the only way to take your signature back later. Anyone who has it can withdraw your signature, so keep it private.
receipt-how = To take your signature back, or to see that it is still counted, open one of these pages and type the code there. The code is never put in a link or a web address.

## Checking the public log (on the receipt page)
log-check-heading = Check that your signature is counted
log-check-intro = This petition keeps a public log: one scrambled entry for each signature, which nobody can link to a name. With it, anyone can check that the number on this page is true and that no signature was quietly removed. You can also check your own signature with the free undersign program, on your own computer:
log-check-code = The program asks for your receipt code and looks for your entry on your own computer: your code is never sent to this server or anywhere else. New signatures join the log every few minutes, so if you check right away, try again a little later.

## Refusals
form-unreadable-heading = The form could not be read
form-wrong-type = Signatures are sent as an ordinary web form. Nothing was kept.
form-too-large = The form was too large to accept. Please shorten what you typed and try again. Nothing was kept.
form-broken = The form arrived damaged or incomplete. Please go back and try again. Nothing was kept.
closed-refused = This petition no longer accepts signatures. Nothing you sent was kept.
paused-refused = The organizers have paused signing for now. Nothing you sent was kept. Please come back later.
try-later-heading = Please try again a little later
too-many-from-network = Too many signatures were sent from your network in a short time. If many people share your connection (a shelter, a campus, Tor), this is not about you.
no-js-budget = Many people are signing without JavaScript right now, and the server accepts only a limited number of those at a time to keep out automated spam. Signing from a browser with JavaScript on also works.
unknown-network-heading = This request could not be accepted
unknown-network = The server could not tell which network this request came from, so it did not accept it. Nothing you sent was kept. This is a problem in the server's setup, not on your side: please tell the petition's organizers.
try-again-in = Nothing you sent was kept. { $minutes ->
    [one] Please try again in about one minute.
   *[other] Please try again in about { $minutes } minutes.
}
bad-challenge = This form was already used or could not be checked. Nothing was kept. Please check your details below and press "Sign the petition" again.
captcha-failed = The captcha could not be checked. Nothing was kept. Please solve it again and press "Sign the petition".
save-failed-heading = Your signature could not be saved
seal-failed = Something went wrong while locking your signature. Nothing was kept. Please try again later.
store-failed = The server could not store your signature just now, so you have no receipt and nothing was kept. Please try again in a few minutes.
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
code-hint = The 26 letters and digits shown on your receipt. Dashes, spaces and capitals do not matter.
code-bad = That is not a receipt code: it should be 26 letters and digits.
code-too-many = Too many attempts from your network. Please wait an hour and try again.
code-failed = The server could not do this just now. Nothing was changed. Please try again later.

## What happens to my signature
about-heading = What happens to my signature
about-kept-heading = What is kept
about-kept-1 = When you sign, the server keeps your first and last name, your organization (if you gave one), your email, whether you asked to be listed publicly, the language of the page and the date you signed (the day only, not the time).
about-kept-2 = It does not keep your IP address, your browser's details, or any cookie. There is no account and no tracking.
about-who-heading = Who can read it
about-who-1 = Your details are locked (encrypted) the moment they arrive, with keys that only the petition's organizers hold, on their own computers. The server itself cannot read them, and neither can anyone who takes or copies the server. The organizers unlock the signatures offline to deliver the petition.
about-who-2 = Your name and organization are published only if you ticked the box asking for it.
about-withdraw-heading = How to take your signature back
about-withdraw-1 = After signing you get a receipt code, shown once. Keep it private. With it you can withdraw your signature, or check that it is still counted, on the pages below. The server keeps no copy of the code, so nobody else can find your signature by it, and nobody can give it back to you if it is lost.
about-time-heading = How long it is kept
about-time-1 = The organizers export the locked signatures and delete them from the server after the petition is delivered.

## Accessibility statement
a11y-heading = Accessibility
a11y-1 = This petition aims to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA. It works without JavaScript, with a keyboard alone, with screen readers, at 320 pixels wide and at 200% zoom. There is no time limit for filling in the form.
a11y-2 = The anti-spam check runs by itself in the background and never asks you to solve a puzzle. If it is not finished when you press "Sign the petition", your signature is sent anyway.
a11y-3 = If something on these pages is hard to use, please tell the petition's organizers.
