# Textes de l'interface d'undersign : français (traduit de la référence anglaise).
# Gardez des messages simples et courts : beaucoup de signataires lisent dans une deuxième langue.

## Toutes les pages
lang-name = Français
lang-nav = Langue
demo-title = Démonstration.
demo-banner = Ceci est une pétition de démonstration : sa clé secrète se trouve sur ce serveur, donc rien de ce qui est signé ici n'est privé. N'entrez pas de vraies informations.
back = Retour à la pétition
link-about = Ce que devient ma signature
onion-address = Sur Tor, la seule adresse onion de cette pétition est :
link-withdraw = Retirer une signature
link-check = Vérifier une signature
link-accessibility = Accessibilité

## La page de la pétition
sign-jump = Signer cette pétition
fallback-note = Cette pétition n'est pas encore disponible dans votre langue ; elle est affichée dans sa langue d'origine.
signatures-label = Signatures
count-line = { $count ->
    [one] { $count } signature
   *[other] { $count } signatures
}
count-goal = Objectif : { $goal }
closed-heading = Les signatures sont closes
closed-text = Cette pétition n'accepte plus de signatures. Merci à toutes les personnes qui l'ont signée.
paused-heading = Les signatures sont suspendues
paused-text = L'équipe organisatrice a suspendu les signatures pour le moment. Merci de revenir plus tard.
sign-heading = Signer
errors-heading = { $count ->
    [one] Veuillez corriger ce problème :
   *[other] Veuillez corriger ces { $count } problèmes :
}
field-first-name = Prénom
field-last-name = Nom
field-affiliation = Organisation
field-email = Adresse e-mail
optional = (facultatif)
consent-label = J'accepte de signer cette pétition avec les informations ci-dessus.
public-label = Afficher publiquement mon nom et mon organisation parmi les signataires. Si vous ne cochez pas cette case, votre nom n'est jamais publié.
kept-title = Ce qui est conservé :
kept-text = votre nom, votre organisation, votre adresse e-mail, les deux choix ci-dessus, la langue de la page et la date du jour (pas l'heure). Ces informations sont verrouillées dès leur arrivée avec une clé que seule l'équipe organisatrice de la pétition détient, sur ses propres ordinateurs. Ce serveur ne peut pas les lire, ne garde aucune trace de votre adresse IP et ne dépose aucun cookie.
honeypot-label = Laissez ce champ vide
sign-button = Signer la pétition
pow-status = Nous vérifions que vous n'êtes pas un robot… Votre signature sera envoyée dans un instant.

## Problèmes dans un champ
problem-missing = { $field } : veuillez remplir ce champ.
problem-too-long = { $field } : texte trop long ({ $max } caractères au maximum).
problem-control = { $field } : contient un caractère qui n'est pas autorisé.
problem-not-email = { $field } : ceci ne ressemble pas à une adresse e-mail (nom@example.org).
problem-no-consent = Veuillez cocher la case pour confirmer que vous voulez signer.

## La page du reçu
receipt-title = Merci d'avoir signé
receipt-heading = Merci : votre signature est enregistrée
receipt-locked = Elle a été verrouillée avec la clé de l'équipe organisatrice avant d'être stockée. Seule cette équipe peut la lire, hors ligne.
receipt-code-heading = Votre code de reçu
receipt-once = Ce code n'est affiché qu'une seule fois et n'est enregistré nulle part. Notez-le, imprimez cette page ou copiez-le dans un endroit sûr : c'est le seul moyen de retirer votre signature plus tard. Toute personne qui a ce code peut retirer votre signature : gardez-le pour vous.
receipt-how = Pour retirer votre signature, ou pour vérifier qu'elle est toujours comptée, ouvrez l'une de ces pages et saisissez-y le code. Le code n'est jamais mis dans un lien ni dans une adresse web.

## Checking the public log (on the receipt page)
log-check-heading = Vérifier que votre signature est comptée
log-check-intro = Cette pétition tient un registre public : une entrée brouillée pour chaque signature, que personne ne peut relier à un nom. Grâce à lui, chacun peut vérifier que le nombre affiché sur cette page est vrai et qu'aucune signature n'a été retirée en douce. Vous pouvez aussi vérifier votre propre signature avec le programme gratuit undersign, sur votre propre ordinateur :
log-check-code = Le programme vous demande votre code de reçu et cherche votre entrée sur votre propre ordinateur : votre code n'est jamais envoyé à ce serveur ni ailleurs. Les nouvelles signatures entrent dans le registre toutes les quelques minutes ; si vous vérifiez tout de suite, réessayez un peu plus tard.

## Refus
form-unreadable-heading = Le formulaire n'a pas pu être lu
form-wrong-type = Les signatures sont envoyées sous forme de formulaire web ordinaire. Rien n'a été conservé.
form-too-large = Le formulaire était trop volumineux pour être accepté. Veuillez raccourcir ce que vous avez écrit et réessayer. Rien n'a été conservé.
form-broken = Le formulaire est arrivé endommagé ou incomplet. Veuillez revenir en arrière et réessayer. Rien n'a été conservé.
closed-refused = Cette pétition n'accepte plus de signatures. Rien de ce que vous avez envoyé n'a été conservé.
paused-refused = L'équipe organisatrice a suspendu les signatures pour le moment. Rien de ce que vous avez envoyé n'a été conservé. Merci de revenir plus tard.
try-later-heading = Veuillez réessayer un peu plus tard
too-many-from-network = Trop de signatures ont été envoyées depuis votre réseau en peu de temps. Si beaucoup de personnes partagent votre connexion (un centre d'hébergement, un campus, Tor), vous n'êtes pas en cause.
no-js-budget = Beaucoup de personnes signent sans JavaScript en ce moment, et le serveur n'en accepte qu'un nombre limité à la fois pour bloquer le spam automatisé. Vous pouvez aussi signer depuis un navigateur où JavaScript est activé.
unknown-network-heading = Cette demande n'a pas pu être acceptée
unknown-network = Le serveur n'a pas pu savoir de quel réseau venait cette demande, il ne l'a donc pas acceptée. Rien de ce que vous avez envoyé n'a été conservé. Le problème vient de la configuration du serveur, pas de vous : merci de prévenir l'équipe organisatrice de la pétition.
try-again-in = Rien de ce que vous avez envoyé n'a été conservé. { $minutes ->
    [one] Veuillez réessayer dans une minute environ.
   *[other] Veuillez réessayer dans { $minutes } minutes environ.
}
bad-challenge = Ce formulaire a déjà été utilisé ou n'a pas pu être vérifié. Rien n'a été conservé. Veuillez vérifier vos informations ci-dessous et appuyer de nouveau sur « Signer la pétition ».
captcha-failed = Le captcha n'a pas pu être vérifié. Rien n'a été conservé. Veuillez le résoudre à nouveau et appuyer sur « Signer la pétition ».
save-failed-heading = Votre signature n'a pas pu être enregistrée
seal-failed = Un problème est survenu pendant le verrouillage de votre signature. Rien n'a été conservé. Veuillez réessayer plus tard.
store-failed = Le serveur n'a pas pu enregistrer votre signature pour le moment : vous n'avez donc pas de reçu, et rien n'a été conservé. Veuillez réessayer dans quelques minutes.
not-found-heading = Page introuvable
not-found = Il n'y a rien à cette adresse.

## Retirer et vérifier avec le code de reçu
withdraw-heading = Retirer ma signature
withdraw-intro = Saisissez le code de reçu qui vous a été donné quand vous avez signé. Votre signature sera supprimée de la pétition définitivement.
withdraw-button = Retirer ma signature
withdraw-done = Si ce code correspondait à une signature, cette signature est maintenant supprimée : elle n'est plus comptée et ne sera pas remise. Le même message s'affiche pour chaque code, pour que personne ne puisse utiliser cette page afin de tester des codes.
check-heading = Vérifier ma signature
check-intro = Saisissez le code de reçu qui vous a été donné quand vous avez signé pour savoir si votre signature est toujours comptée. Rien d'autre à son sujet n'est affiché.
check-button = Vérifier
counted = Cette signature est comptée.
not-counted = Aucune signature comptée ne correspond à ce code : soit la signature a été retirée, soit le code a été mal saisi.
code-label = Code de reçu
code-hint = Les 26 lettres et chiffres affichés sur votre reçu. Les tirets, les espaces et les majuscules n'ont pas d'importance.
code-bad = Ce n'est pas un code de reçu : il doit contenir 26 lettres et chiffres.
code-too-many = Trop de tentatives depuis votre réseau. Veuillez attendre une heure, puis réessayer.
code-failed = Le serveur n'a pas pu faire cela pour le moment. Rien n'a été modifié. Veuillez réessayer plus tard.

## Ce que devient ma signature
about-heading = Ce que devient ma signature
about-kept-heading = Ce qui est conservé
about-kept-1 = Quand vous signez, le serveur conserve votre prénom et votre nom, votre organisation (si vous en avez indiqué une), votre adresse e-mail, si vous avez demandé que votre nom figure publiquement dans la liste, la langue de la page et la date de votre signature (seulement le jour, pas l'heure).
about-kept-2 = Il ne conserve pas votre adresse IP, les informations de votre navigateur, ni aucun cookie. Il n'y a pas de compte et pas de suivi.
about-who-heading = Qui peut la lire
about-who-1 = Vos informations sont verrouillées (chiffrées) dès leur arrivée, avec des clés que seule l'équipe organisatrice de la pétition détient, sur ses propres ordinateurs. Le serveur lui-même ne peut pas les lire. Une personne qui prendrait ou copierait le serveur ne le pourrait pas non plus. L'équipe organisatrice déverrouille les signatures hors ligne pour remettre la pétition.
about-who-2 = Votre nom et votre organisation ne sont publiés que si vous avez coché la case qui le demande.
about-withdraw-heading = Comment retirer votre signature
about-withdraw-1 = Après avoir signé, vous recevez un code de reçu, affiché une seule fois. Gardez-le pour vous. Avec ce code, vous pouvez retirer votre signature, ou vérifier qu'elle est toujours comptée, sur les pages ci-dessous. Le serveur ne garde aucune copie du code : personne d'autre ne peut donc retrouver votre signature grâce à lui, et personne ne peut vous le redonner si vous le perdez.
about-time-heading = Combien de temps elle est conservée
about-time-1 = Après la remise de la pétition, l'équipe organisatrice exporte les signatures verrouillées et les supprime du serveur.

## Déclaration d'accessibilité
a11y-heading = Accessibilité
a11y-1 = Cette pétition vise à respecter les Règles pour l'accessibilité des contenus web (WCAG) 2.2 au niveau AA. Elle fonctionne sans JavaScript, avec le clavier seul, avec un lecteur d'écran, sur une largeur de 320 pixels et avec un zoom à 200 %. Il n'y a pas de limite de temps pour remplir le formulaire.
a11y-2 = La vérification anti-spam se fait toute seule en arrière-plan et ne vous demande jamais de résoudre une énigme. Si elle n'est pas terminée quand vous appuyez sur « Signer la pétition », votre signature est quand même envoyée.
a11y-3 = Si quelque chose sur ces pages est difficile à utiliser, merci de le signaler à l'équipe organisatrice de la pétition.
