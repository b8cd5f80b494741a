# Mga teksto ng interface ng undersign: Tagalog (isinalin mula sa Ingles, ang batayan ng bawat salin).
# Panatilihing simple at maikli ang mga mensahe: maraming pumipirma ang nagbabasa sa pangalawang wika.

## Bawat pahina
lang-name = Tagalog
lang-nav = Wika
demo-title = Demo.
demo-banner = Pang-demonstrasyon lamang ang petisyong ito: nasa server na ito ang lihim na susi nito, kaya walang pribado sa anumang pinirmahan dito. Huwag maglagay ng totoong impormasyon.
back = Bumalik sa petisyon
link-about = Ano ang nangyayari sa pirma ko
onion-address = Sa Tor, ang tanging onion address ng petisyong ito ay:
link-withdraw = Bawiin ang pirma
link-check = Suriin ang pirma
link-accessibility = Aksesibilidad

## Ang pahina ng petisyon
sign-jump = Pirmahan ang petisyong ito
fallback-note = Wala pa sa iyong wika ang petisyong ito; ipinapakita ito sa orihinal na wika nito.
signatures-label = Mga pirma
count-line = { $count ->
    [one] { $count } pirma
   *[other] { $count } na pirma
}
count-goal = Layunin: { $goal }
closed-heading = Sarado na ang pagpirma
closed-text = Hindi na tumatanggap ng pirma ang petisyong ito. Salamat sa lahat ng pumirma.
paused-heading = Pansamantalang nakahinto ang pagpirma
paused-text = Pansamantalang itinigil ng mga tagapag-organisa ang pagpirma. Pakibalikan ito mamaya.
sign-heading = Pumirma
errors-heading = { $count ->
    [one] Pakiayos ang { $count } problemang ito:
   *[other] Pakiayos ang { $count } na problemang ito:
}
field-first-name = Pangalan
field-last-name = Apelyido
field-affiliation = Organisasyon
field-email = Email
optional = (opsyonal)
consent-label = Sumasang-ayon akong pirmahan ang petisyong ito gamit ang mga detalye sa itaas.
public-label = Ilista nang publiko ang aking pangalan at organisasyon bilang pumirma. Kung hindi mo ito lalagyan ng tsek, hindi kailanman ilalathala ang pangalan mo.
kept-title = Ang itinatago:
kept-text = ang iyong pangalan, organisasyon, email, ang dalawang pinili sa itaas, ang wika ng pahina, at ang petsa ngayon (hindi ang oras). Ikinakandado ang mga ito sa sandaling dumating, gamit ang susi na hawak lamang ng mga tagapag-organisa ng petisyon, sa sarili nilang mga computer. Hindi mababasa ng server na ito ang mga detalyeng ito, wala itong itinatagong tala ng iyong IP address, at hindi ito naglalagay ng cookies.
honeypot-label = Iwanang blangko ang field na ito
sign-button = Pirmahan ang petisyon
pow-status = Tinitiyak na hindi ka robot… ipapadala ang iyong pirma sa ilang sandali.

## Mga problema sa isang field
problem-missing = { $field }: pakipunan ito.
problem-too-long = { $field }: masyadong mahaba (hanggang { $max } karakter lamang).
problem-control = { $field }: may karakter na hindi pinapayagan.
problem-not-email = { $field }: mukhang hindi ito email address (name@example.org).
problem-no-consent = Pakilagyan ng tsek ang kahon para kumpirmahing gusto mong pumirma.

## Ang pahina ng resibo
receipt-title = Salamat sa pagpirma
receipt-heading = Salamat: na-save na ang iyong pirma
receipt-locked = Ikinandado ito gamit ang susi ng mga tagapag-organisa bago ito itinago. Sila lamang ang makakabasa nito, nang offline.
receipt-code-heading = Ang iyong code ng resibo
receipt-once = Isang beses lamang ipinapakita ang code na ito at hindi ito itinatago kahit saan. Isulat ito, i-print ang pahinang ito, o kopyahin ito sa ligtas na lugar: ito lamang ang paraan para mabawi mo ang iyong pirma sa ibang pagkakataon. Sinumang may hawak nito ay makakabawi ng iyong pirma, kaya ilihim mo ito.
receipt-how = Para bawiin ang iyong pirma, o para makita kung kasama pa rin ito sa bilang, buksan ang isa sa mga pahinang ito at i-type doon ang code. Hindi kailanman inilalagay ang code sa link o sa web address.

## Checking the public log (on the receipt page)
log-check-heading = Tiyakin na kasama sa bilang ang iyong pirma
log-check-intro = May pampublikong talaan ang petisyong ito: isang ginulong entry para sa bawat pirma, na hindi maiuugnay ninuman sa isang pangalan. Dahil dito, kahit sino ay makakatiyak na totoo ang bilang sa pahinang ito at walang pirmang palihim na inalis. Maaari mo ring tiyakin ang sarili mong pirma gamit ang libreng programang undersign, sa sarili mong computer:
log-check-code = Hihingin ng programa ang code ng iyong resibo at hahanapin ang iyong entry sa sarili mong computer: hindi kailanman ipinapadala ang iyong code sa server na ito o saanman. Pumapasok sa talaan ang mga bagong pirma bawat ilang minuto, kaya kung titingnan mo agad, subukan ulit mamaya.

## Mga pagtanggi
form-unreadable-heading = Hindi mabasa ang form
form-wrong-type = Ipinapadala ang mga pirma bilang karaniwang web form. Walang itinago.
form-too-large = Masyadong malaki ang form para tanggapin. Pakipaikli ang iyong isinulat at subukang muli. Walang itinago.
form-broken = Sira o kulang ang dumating na form. Pakibalik at subukang muli. Walang itinago.
closed-refused = Hindi na tumatanggap ng pirma ang petisyong ito. Walang itinago sa anumang ipinadala mo.
paused-refused = Pansamantalang itinigil ng mga tagapag-organisa ang pagpirma. Walang itinago sa anumang ipinadala mo. Pakibalikan ito mamaya.
try-later-heading = Pakisubukang muli maya-maya
too-many-from-network = Masyadong maraming pirma ang naipadala mula sa iyong network sa maikling panahon. Kung maraming tao ang gumagamit ng iyong koneksyon (isang shelter, campus, o Tor), hindi ito tungkol sa iyo.
no-js-budget = Maraming tao ang pumipirma nang walang JavaScript ngayon, at limitadong bilang lamang ng mga ito ang tinatanggap ng server sa isang pagkakataon para maiwasan ang awtomatikong spam. Gumagana rin ang pagpirma mula sa browser na naka-on ang JavaScript.
unknown-network-heading = Hindi matanggap ang kahilingang ito
unknown-network = Hindi matukoy ng server kung saang network nanggaling ang kahilingang ito, kaya hindi ito tinanggap. Walang itinago sa anumang ipinadala mo. Problema ito sa pagkaka-setup ng server, hindi sa iyo: pakisabihan ang mga tagapag-organisa ng petisyon.
try-again-in = Walang itinago sa anumang ipinadala mo. { $minutes ->
    [one] Pakisubukang muli pagkalipas ng mga { $minutes } minuto.
   *[other] Pakisubukang muli pagkalipas ng mga { $minutes } na minuto.
}
bad-challenge = Nagamit na ang form na ito o hindi ito masuri. Walang itinago. Pakisuri ang iyong mga detalye sa ibaba at pindutin muli ang "Pirmahan ang petisyon".
captcha-failed = Hindi masuri ang captcha. Walang itinago. Pakisagutan itong muli at pindutin ang "Pirmahan ang petisyon".
save-failed-heading = Hindi ma-save ang iyong pirma
seal-failed = Nagkaproblema habang ikinakandado ang iyong pirma. Walang itinago. Pakisubukang muli mamaya.
store-failed = Hindi maitago ng server ang iyong pirma sa ngayon, kaya wala kang resibo at walang itinago. Pakisubukang muli pagkalipas ng ilang minuto.
not-found-heading = Hindi nakita ang pahina
not-found = Walang laman ang address na ito.

## Pagbawi at pagsuri gamit ang code ng resibo
withdraw-heading = Bawiin ang aking pirma
withdraw-intro = I-type ang code ng resibo na ibinigay sa iyo noong pumirma ka. Tuluyang buburahin ang iyong pirma mula sa petisyon.
withdraw-button = Bawiin ang aking pirma
withdraw-done = Kung may pirmang kaugnay ng code na ito, nabura na ang pirmang iyon: hindi na ito binibilang at hindi na ito isasama sa ihahatid na petisyon. Pareho ang mensaheng ipinapakita para sa bawat code, para walang makagamit ng pahinang ito upang subukan ang mga code.
check-heading = Suriin ang aking pirma
check-intro = I-type ang code ng resibo na ibinigay sa iyo noong pumirma ka para makita kung kasama pa rin sa bilang ang iyong pirma. Wala nang ibang ipinapakita tungkol dito.
check-button = Suriin
counted = Kasama sa bilang ang pirmang ito.
not-counted = Walang pirmang kasama sa bilang na may ganitong code: binawi na ito, o mali ang pagka-type ng code.
code-label = Code ng resibo
code-hint = Ang 26 na titik at numero na nasa iyong resibo. Hindi mahalaga ang mga gitling, espasyo, at malalaking titik.
code-bad = Hindi iyan code ng resibo: dapat itong binubuo ng 26 na titik at numero.
code-too-many = Masyadong maraming pagsubok mula sa iyong network. Pakihintay ng isang oras at subukang muli.
code-failed = Hindi ito magawa ng server sa ngayon. Walang binago. Pakisubukang muli mamaya.

## Ano ang nangyayari sa pirma ko
about-heading = Ano ang nangyayari sa pirma ko
about-kept-heading = Ang itinatago
about-kept-1 = Kapag pumirma ka, itinatago ng server ang iyong pangalan at apelyido, ang iyong organisasyon (kung nagbigay ka), ang iyong email, kung hiniling mong mailista ka nang publiko, ang wika ng pahina, at ang petsa ng pagpirma mo (ang araw lamang, hindi ang oras).
about-kept-2 = Hindi nito itinatago ang iyong IP address, ang mga detalye ng iyong browser, o anumang cookie. Walang account at walang pagsubaybay.
about-who-heading = Sino ang makakabasa nito
about-who-1 = Ikinakandado (ine-encrypt) ang iyong mga detalye sa sandaling dumating ang mga ito, gamit ang mga susi na hawak lamang ng mga tagapag-organisa ng petisyon, sa sarili nilang mga computer. Hindi mababasa ng server mismo ang mga ito, at hindi rin ng sinumang kumuha o kumopya ng server. Binubuksan ng mga tagapag-organisa ang mga pirma nang offline para maihatid ang petisyon.
about-who-2 = Ilalathala lamang ang iyong pangalan at organisasyon kung nilagyan mo ng tsek ang kahong humihiling nito.
about-withdraw-heading = Paano bawiin ang iyong pirma
about-withdraw-1 = Pagkatapos pumirma, makakatanggap ka ng code ng resibo na isang beses lamang ipinapakita. Ilihim mo ito. Gamit ito, maaari mong bawiin ang iyong pirma, o suriin kung kasama pa rin ito sa bilang, sa mga pahina sa ibaba. Walang itinatagong kopya ng code ang server, kaya walang ibang makakahanap ng iyong pirma gamit ito, at walang makakapagbigay nito ulit sa iyo kung mawala ito.
about-time-heading = Gaano katagal ito itinatago
about-time-1 = Ini-export ng mga tagapag-organisa ang mga nakakandadong pirma at binubura ang mga ito sa server pagkatapos maihatid ang petisyon.

## Pahayag tungkol sa aksesibilidad
a11y-heading = Aksesibilidad
a11y-1 = Layunin ng petisyong ito na matugunan ang Web Content Accessibility Guidelines (WCAG) 2.2 sa antas AA. Gumagana ito nang walang JavaScript, gamit lamang ang keyboard, gamit ang mga screen reader, sa lapad na 320 pixel, at sa 200% zoom. Walang limitasyon sa oras sa pagsagot ng form.
a11y-2 = Kusang tumatakbo sa background ang pagsusuri laban sa spam at hindi ka kailanman hihilinging lumutas ng puzzle. Kung hindi pa ito tapos kapag pinindot mo ang "Pirmahan ang petisyon", ipapadala pa rin ang iyong pirma.
a11y-3 = Kung may bahagi ng mga pahinang ito na mahirap gamitin, pakisabihan ang mga tagapag-organisa ng petisyon.
