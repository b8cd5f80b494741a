# Textes de l'interface d'undersign : français (traduit de la référence anglaise).
# Gardez des messages simples et courts : beaucoup de signataires lisent dans une deuxième langue.
# Une idée par phrase ; pas d'expressions idiomatiques ; « vous » pour la personne qui signe,
# « l'équipe organisatrice » pour les personnes qui gèrent la pétition.

## Toutes les pages
lang-name = Français
lang-nav = Langue
demo-title = Démonstration.
demo-banner = Ceci est une pétition de démonstration : sa clé secrète se trouve sur ce serveur, donc rien de ce qui est signé ici n'est privé. N'entrez pas de vraies informations.
back = Retour à la pétition
link-about = Ce que devient ma signature
onion-address = Sur Tor, la seule adresse onion de cette pétition est :
link-withdraw = Retirer une signature
link-check = Vérifier une signature
link-accessibility = Accessibilité
footer-organizers = Cette pétition est organisée par { $name }.
footer-contact = Contacter l'équipe organisatrice :
fallback-note = Ce texte n'est pas encore disponible dans votre langue : il est donc affiché dans sa langue d'origine.

## La page de la pétition
sign-jump = Signer cette pétition
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
error-prefix = Erreur :
errors-heading = { $count ->
    [one] Veuillez corriger ce problème :
   *[other] Veuillez corriger ces { $count } problèmes :
}
field-first-name = Prénom
field-last-name = Nom de famille
name-hint = Si vous n'avez qu'un seul nom, écrivez-le dans l'un ou l'autre des deux champs.
field-affiliation = Organisation
field-email = Adresse e-mail
optional = (facultatif)
consent-label = J'accepte de signer cette pétition avec les informations ci-dessus.
public-label = Afficher mon nom publiquement
public-hint = Votre nom et votre organisation sont alors publiés avec la lettre. Si vous ne cochez pas cette case, votre nom n'est jamais publié.
before-heading = Avant de signer
who-sees-name = Qui verra mon nom ?
who-gets-email = Qui reçoit mon adresse e-mail, et pourquoi ?
who-runs = Qui organise cette pétition ?
how-kept = Comment mes informations sont-elles protégées ?
how-kept-text = Vos informations sont verrouillées (chiffrées) dès qu'elles arrivent sur ce serveur. Seule l'équipe organisatrice peut les déverrouiller, sur ses propres ordinateurs. Ce serveur ne peut pas les lire. Il ne garde aucune trace de votre adresse IP et ne dépose aucun cookie.
honeypot-label = Laissez ce champ vide
sign-button = Signer la pétition
sign-sending = Envoi en cours…
pow-status = Nous vérifions que vous n'êtes pas un robot… Votre signature sera envoyée dans un instant.
seal-status = Verrouillage de vos informations dans votre navigateur…
seal-dropped = La connexion a été coupée : cette page ne peut pas encore savoir si votre signature est arrivée. Ce que vous avez écrit est toujours là. Veuillez appuyer de nouveau sur « Signer la pétition ». Votre signature n'est jamais comptée deux fois.

## Problèmes dans un champ
problem-missing = { $field } : veuillez remplir ce champ.
problem-name-missing = Nom : veuillez écrire votre nom dans au moins un des deux champs.
problem-too-long = { $field } : texte trop long ({ $max } caractères au maximum).
problem-control = { $field } : contient un caractère qui n'est pas autorisé.
problem-not-email = { $field } : ceci ne ressemble pas à une adresse e-mail (nom@example.org).
problem-no-consent = Veuillez cocher la case pour confirmer que vous voulez signer.

## La page du reçu
receipt-title = Merci d'avoir signé
receipt-heading = Merci : votre signature est enregistrée
receipt-locked = Elle a été verrouillée avant d'être stockée. Seule l'équipe organisatrice peut la déverrouiller.
receipt-sealed-browser = Votre navigateur a verrouillé vos informations avant de les envoyer. Ce serveur ne les a donc jamais vues.
receipt-sealed-server = Ce serveur a verrouillé vos informations dès leur arrivée, avant de les stocker.
receipt-code-heading = Votre code de reçu
receipt-code-spoken = Votre code de reçu, lettre par lettre :
receipt-paper = Écrivez ce code sur papier maintenant. Il n'est affiché que cette fois-ci et n'est enregistré nulle part : personne ne pourra donc vous le redonner.
receipt-copies = Une capture d'écran, une impression ou une copie du code fonctionnent aussi, mais elles laissent une copie sur cet appareil. Un texte copié peut aussi arriver sur vos autres appareils par la synchronisation du presse-papiers.
receipt-close = Une fois le code noté, fermez cet onglet. Ne rechargez pas cette page.
receipt-private = Avec ce code, vous pouvez retirer votre signature, ou vérifier qu'elle est toujours comptée. Toute personne qui a ce code peut faire de même : gardez-le pour vous.
receipt-how = Pour cela, ouvrez l'une de ces pages et saisissez-y le code. Le code n'est jamais mis dans un lien ni dans une adresse web.

## Checking the public log (on the receipt page)
log-check-heading = Vérifier que votre signature est comptée
log-check-intro = Cette pétition tient un registre public : une entrée brouillée pour chaque signature, que personne ne peut relier à un nom. Grâce à lui, chacun peut vérifier que le nombre affiché sur cette page est vrai et qu'aucune signature n'a été retirée en douce. Vous pouvez aussi vérifier votre propre signature avec le programme gratuit undersign, sur votre propre ordinateur :
log-check-code = Le programme vous demande votre code de reçu et cherche votre entrée sur votre propre ordinateur : votre code n'est jamais envoyé à ce serveur ni ailleurs. Les nouvelles signatures entrent dans le registre toutes les quelques minutes ; si vous vérifiez tout de suite, réessayez un peu plus tard.

## Quand une signature ne peut pas être conservée maintenant : le formulaire revient avec ce qui a été saisi
form-unreadable-heading = Le formulaire n'a pas pu être lu
form-wrong-type = Les signatures sont envoyées sous forme de formulaire web ordinaire. Rien n'a été conservé.
form-too-large = Le formulaire était trop volumineux pour être accepté. Veuillez raccourcir ce que vous avez écrit et réessayer. Rien n'a été conservé.
form-broken = Le formulaire est arrivé endommagé ou incomplet. Veuillez revenir en arrière et réessayer. Rien n'a été conservé.
closed-refused = Cette pétition n'accepte plus de signatures. Rien de ce que vous avez envoyé n'a été conservé.
paused-refused = L'équipe organisatrice a suspendu les signatures pour le moment. Rien de ce que vous avez envoyé n'a été conservé. Merci de revenir plus tard.
try-later-heading = Veuillez réessayer un peu plus tard
too-many-from-network = Trop de signatures sont venues de votre réseau en peu de temps. Si beaucoup de personnes partagent votre connexion (un centre d'hébergement, un campus, Tor), vous n'êtes pas en cause. Rien n'a encore été conservé.
no-js-budget = En ce moment, beaucoup de personnes signent avec JavaScript désactivé. Pour bloquer le spam automatisé, le serveur n'accepte que quelques-unes de ces signatures à la fois. Rien n'a encore été conservé.
unknown-network-heading = Cette demande n'a pas pu être acceptée
unknown-network = Le serveur n'a pas pu savoir de quel réseau venait cette demande, il ne l'a donc pas acceptée. Rien de ce que vous avez envoyé n'a été conservé. Le problème vient de la configuration du serveur, pas de vous : merci de prévenir l'équipe organisatrice de la pétition.
no-puzzle-budget = En ce moment, beaucoup de personnes signent sans résoudre l'énigme. Pour bloquer le spam automatisé, le serveur n'accepte que quelques-unes de ces signatures à la fois. Rien n'a encore été conservé. Vous pouvez résoudre l'énigme ci-dessous et appuyer de nouveau sur « Signer la pétition ».
pow-unfinished = Votre navigateur n'a pas pu terminer à temps la vérification en arrière-plan. Cela peut arriver sur un téléphone lent. Rien n'a encore été conservé.
try-again-in = { $minutes ->
    [one] Vos informations sont toujours dans le formulaire ci-dessous. Veuillez appuyer de nouveau sur « Signer la pétition » dans une minute environ.
   *[other] Vos informations sont toujours dans le formulaire ci-dessous. Veuillez appuyer de nouveau sur « Signer la pétition » dans { $minutes } minutes environ.
}
kept-below = Vos informations sont toujours dans le formulaire ci-dessous. Veuillez les vérifier et appuyer de nouveau sur « Signer la pétition ».
bad-challenge = Ce formulaire n'a pas pu être vérifié. Rien n'a encore été conservé.
captcha-failed = L'énigme n'a pas pu être vérifiée. Rien n'a encore été conservé. Veuillez la résoudre à nouveau, ou appuyer sur « Signer la pétition » sans la résoudre.
expired = Cette page est restée ouverte longtemps, donc son formulaire a expiré. Rien n'a encore été conservé.
already-sent-heading = Ce formulaire a déjà été envoyé
already-sent = Il n'est compté qu'une seule fois. Si vous avez vu un code de reçu, votre signature est enregistrée. Si vous n'en avez pas vu, elle a très probablement été enregistrée aussi. Vous pouvez signer de nouveau depuis la page de la pétition sans problème : l'équipe organisatrice supprime les signatures en double.
save-failed-heading = Votre signature n'a pas pu être enregistrée
seal-failed = Un problème est survenu pendant le verrouillage de votre signature. Rien n'a été conservé.
store-failed = Le serveur n'a pas pu enregistrer votre signature pour le moment, donc vous n'avez pas de code de reçu.
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
code-hint = Les 27 lettres et chiffres de votre reçu. Les tirets, les espaces et les majuscules n'ont pas d'importance.
code-bad = Ce n'est pas un code de reçu. Un code contient 27 lettres et chiffres : veuillez vérifier que vous l'avez saisi en entier.
code-typo = Ce code contient une faute de frappe. Veuillez comparer chaque caractère avec votre reçu, surtout les derniers.
code-too-many = Trop de tentatives depuis votre réseau. Veuillez attendre une heure, puis réessayer.
code-failed = Le serveur n'a pas pu faire cela pour le moment. Rien n'a été modifié. Veuillez réessayer plus tard.

## Ce que devient ma signature
about-heading = Ce que devient ma signature
about-kept-heading = Ce qui est conservé
about-kept-1 = Quand vous signez, le serveur conserve : votre nom, votre organisation (si vous en avez indiqué une), votre adresse e-mail, si vous avez demandé que votre nom soit affiché publiquement, la langue de la page et le jour de votre signature. Il ne conserve pas l'heure.
about-kept-2 = Il ne conserve pas votre adresse IP ni les informations de votre navigateur. Il ne dépose aucun cookie. Il n'y a pas de compte et pas de suivi.
about-who-heading = Qui peut la lire
about-who-1 = Vos informations sont verrouillées (chiffrées) dès leur arrivée. Seule l'équipe organisatrice détient les clés, sur ses propres ordinateurs. Le serveur ne peut pas lire vos informations. Une personne qui prend ou copie le serveur ne peut pas les lire non plus. L'équipe organisatrice déverrouille les signatures hors ligne, au moment de remettre la pétition.
about-names-heading = Qui verra mon nom
about-emails-heading = Qui reçoit mon adresse e-mail
about-organizers-heading = Qui organise cette pétition
about-organizers = Cette pétition est organisée par { $name }. Vous pouvez écrire à l'équipe organisatrice pour poser des questions, ou pour demander quelles informations elle a sur vous.
about-withdraw-heading = Comment retirer votre signature
about-withdraw-1 = Après avoir signé, vous recevez un code de reçu, affiché une seule fois. Gardez-le pour vous. Avec ce code, vous pouvez retirer votre signature, ou vérifier qu'elle est toujours comptée, sur les pages ci-dessous. Le serveur ne garde aucune copie du code. Personne d'autre ne peut donc retrouver votre signature grâce à lui, et personne ne peut vous le redonner si vous le perdez.
about-time-heading = Combien de temps elle est conservée
about-time-1 = Après la remise de la pétition, l'équipe organisatrice récupère les signatures verrouillées, puis les supprime du serveur.

## Déclaration d'accessibilité
a11y-heading = Accessibilité
a11y-1 = Cette pétition vise à respecter les Règles pour l'accessibilité des contenus web (WCAG) 2.2 au niveau AA. Elle fonctionne sans JavaScript, avec le clavier seul, avec un lecteur d'écran, sur une largeur de 320 pixels et avec un zoom à 200 %.
a11y-2 = La vérification anti-spam se fait toute seule en arrière-plan et ne vous demande jamais de résoudre une énigme. Si elle n'est pas terminée quand vous appuyez sur « Signer la pétition », votre signature est quand même envoyée.
a11y-2-hcaptcha = Pour bloquer le spam, cette pétition affiche une énigme de hCaptcha, une autre entreprise. Si vous ne pouvez pas la résoudre, appuyez quand même sur « Signer la pétition » : votre signature est tout de même acceptée, dans la limite prévue pour les signatures sans énigme.
a11y-time = Il n'y a pas de limite de temps pour remplir le formulaire. Si une page reste ouverte pendant de nombreuses heures, le formulaire s'affiche de nouveau avec tout ce que vous avez écrit quand vous appuyez sur « Signer la pétition » : appuyez une nouvelle fois.
a11y-3 = Si quelque chose sur ces pages est difficile à utiliser, merci de le signaler à l'équipe organisatrice :
