# Mga teksto ng interface ng undersign: Tagalog (isinalin mula sa Ingles, ang batayan ng bawat salin).
# Panatilihing simple at maikli ang mga mensahe: maraming pumipirma ang nagbabasa sa pangalawang wika.
# Isang ideya sa bawat pangungusap; walang idyoma; "ka/mo/iyo" para sa pumipirma, "ang mga tagapag-organisa"
# para sa mga nagpapatakbo ng petisyon.

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
footer-organizers = Pinapatakbo ng { $name } ang petisyong ito.
footer-contact = Makipag-ugnayan sa mga tagapag-organisa:
fallback-note = Wala pa sa iyong wika ang tekstong ito, kaya ipinapakita ito sa orihinal na wika nito.

## Ang pahina ng petisyon
sign-jump = Pirmahan ang petisyong ito
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
error-prefix = May mali:
errors-heading = { $count ->
    [one] Pakiayos ang { $count } problemang ito:
   *[other] Pakiayos ang { $count } na problemang ito:
}
field-first-name = Pangalan
field-last-name = Apelyido
name-hint = Kung iisa lang ang pangalan mo, isulat ito sa alinman sa dalawang kahon.
field-affiliation = Organisasyon
field-email = Email
optional = (opsyonal)
consent-label = Sumasang-ayon akong pirmahan ang petisyong ito gamit ang mga detalye sa itaas.
public-label = Ilista nang publiko ang aking pangalan
public-hint = Kung lalagyan mo ito ng tsek, ilalathala ang iyong pangalan at organisasyon kasama ng liham ng petisyon. Kung hindi mo lalagyan ng tsek ang kahong ito, hindi kailanman ilalathala ang pangalan mo.
before-heading = Bago ka pumirma
who-sees-name = Sino ang makakakita ng pangalan ko?
who-gets-email = Sino ang makakatanggap ng email ko, at para saan?
who-runs = Sino ang nagpapatakbo ng petisyong ito?
how-kept = Paano ito pinananatiling ligtas?
how-kept-text = Ikinakandado (ine-encrypt) ang iyong mga detalye sa sandaling dumating ang mga ito sa server na ito. Ang mga tagapag-organisa lamang ang makakapagbukas ng mga ito, sa sarili nilang mga computer. Hindi mababasa ng server na ito ang mga ito. Wala itong itinatagong tala ng iyong IP address at hindi ito naglalagay ng cookies.
honeypot-label = Iwanang blangko ang field na ito
sign-button = Pirmahan ang petisyon
sign-sending = Ipinapadala…
pow-status = Tinitiyak na hindi ka robot… Ipapadala ang iyong pirma sa ilang sandali.
seal-status = Ikinakandado ang iyong mga detalye sa iyong browser…
seal-dropped = Naputol ang koneksyon, kaya hindi pa malaman ng pahinang ito kung nakarating ang iyong pirma. Nandito pa rin ang mga inilagay mo. Pakipindot muli ang "Pirmahan ang petisyon". Hindi kailanman binibilang nang dalawang beses ang iyong pirma.

## Mga problema sa isang field
problem-missing = { $field }: pakipunan ito.
problem-name-missing = Pangalan: pakisulat ang iyong pangalan sa kahit isa sa dalawang kahon.
problem-too-long = { $field }: masyadong mahaba (hanggang { $max } karakter lamang).
problem-control = { $field }: may karakter na hindi pinapayagan.
problem-not-email = { $field }: mukhang hindi ito email address (name@example.org).
problem-no-consent = Pakilagyan ng tsek ang kahon para kumpirmahing gusto mong pumirma.

## Ang pahina ng resibo
receipt-title = Salamat sa pagpirma
receipt-heading = Salamat: na-save na ang iyong pirma
receipt-locked = Ikinandado ito bago itinago. Ang mga tagapag-organisa lamang ang makakapagbukas nito.
receipt-sealed-browser = Ikinandado ng iyong browser ang iyong mga detalye bago ipadala, kaya hindi kailanman nakita ng server na ito ang mga ito.
receipt-sealed-server = Ikinandado ng server na ito ang iyong mga detalye sa sandaling dumating ang mga ito, bago itago.
receipt-code-heading = Ang iyong code ng resibo
receipt-code-spoken = Ang iyong code ng resibo, isa-isang titik:
receipt-paper = Isulat sa papel ang code na ito ngayon. Ngayon lamang ito ipapakita, at hindi ito itinatago kahit saan, kaya walang makakapagbigay nito ulit sa iyo.
receipt-copies = Puwede rin ang screenshot, printout, o kopya ng code, pero mag-iiwan ito ng kopya sa device na ito. Maaari ring mapunta ang kinopyang teksto sa iba mo pang device sa pamamagitan ng clipboard sync.
receipt-close = Kapag naisulat mo na ito, isara ang tab na ito. Huwag i-reload ang pahinang ito.
receipt-private = Gamit ang code na ito, maaari mong bawiin ang iyong pirma, o suriin kung kasama pa rin ito sa bilang. Magagawa rin ito ng sinumang may hawak ng code, kaya ilihim mo ito.
receipt-how = Para gawin iyon, buksan ang isa sa mga pahinang ito at i-type doon ang code. Hindi kailanman inilalagay ang code sa link o sa web address.

## Checking the public log (on the receipt page)
log-check-heading = Tiyakin na kasama sa bilang ang iyong pirma
log-check-intro = May pampublikong talaan ang petisyong ito: isang ginulong entry para sa bawat pirma, na hindi maiuugnay ninuman sa isang pangalan. Dahil dito, kahit sino ay makakatiyak na totoo ang bilang sa pahinang ito at walang pirmang palihim na inalis. Maaari mo ring tiyakin ang sarili mong pirma gamit ang libreng programang undersign, sa sarili mong computer:
log-check-code = Hihingin ng programa ang code ng iyong resibo at hahanapin ang iyong entry sa sarili mong computer: hindi kailanman ipinapadala ang iyong code sa server na ito o saanman. Pumapasok sa talaan ang mga bagong pirma bawat ilang minuto, kaya kung titingnan mo agad, subukan ulit mamaya.

## Kapag hindi maitago ang pirma sa ngayon: ibinabalik ang form kasama ang na-type
form-unreadable-heading = Hindi mabasa ang form
form-wrong-type = Ipinapadala ang mga pirma bilang karaniwang web form. Walang itinago.
form-too-large = Masyadong malaki ang form para tanggapin. Pakipaikli ang iyong isinulat at subukang muli. Walang itinago.
form-broken = Sira o kulang ang dumating na form. Pakibalik at subukang muli. Walang itinago.
closed-refused = Hindi na tumatanggap ng pirma ang petisyong ito. Walang itinago sa anumang ipinadala mo.
paused-refused = Pansamantalang itinigil ng mga tagapag-organisa ang pagpirma. Walang itinago sa anumang ipinadala mo. Pakibalikan ito mamaya.
try-later-heading = Pakisubukang muli maya-maya
too-many-from-network = Masyadong maraming pirma ang dumating mula sa iyong network sa maikling panahon. Kung maraming tao ang gumagamit ng iyong koneksyon (isang shelter, campus, o Tor), hindi ito tungkol sa iyo. Wala pang itinago.
no-js-budget = Sa ngayon, maraming tao ang pumipirma nang naka-off ang JavaScript. Para maiwasan ang awtomatikong spam, kaunti lamang sa mga pirmang ito ang tinatanggap ng server sa isang pagkakataon. Wala pang itinago.
unknown-network-heading = Hindi matanggap ang kahilingang ito
unknown-network = Hindi matukoy ng server kung saang network nanggaling ang kahilingang ito, kaya hindi ito tinanggap. Walang itinago sa anumang ipinadala mo. Problema ito sa pagkaka-setup ng server, hindi sa iyo: pakisabihan ang mga tagapag-organisa ng petisyon.
no-puzzle-budget = Sa ngayon, maraming tao ang pumipirma nang hindi sinasagutan ang puzzle. Para maiwasan ang awtomatikong spam, kaunti lamang sa mga pirmang ito ang tinatanggap ng server sa isang pagkakataon. Wala pang itinago. Puwede mong sagutan ang puzzle sa ibaba at pindutin muli ang "Pirmahan ang petisyon".
pow-unfinished = Hindi natapos ng iyong browser sa tamang oras ang pagsusuri sa background. Puwede itong mangyari sa mabagal na cellphone. Wala pang itinago.
try-again-in = { $minutes ->
    [one] Nasa form sa ibaba pa rin ang iyong mga detalye. Pakipindot muli ang "Pirmahan ang petisyon" pagkalipas ng mga { $minutes } minuto.
   *[other] Nasa form sa ibaba pa rin ang iyong mga detalye. Pakipindot muli ang "Pirmahan ang petisyon" pagkalipas ng mga { $minutes } na minuto.
}
kept-below = Nasa form sa ibaba pa rin ang iyong mga detalye. Pakisuri ang mga ito at pindutin muli ang "Pirmahan ang petisyon".
bad-challenge = Hindi masuri ang form na ito. Wala pang itinago.
captcha-failed = Hindi masuri ang puzzle. Wala pang itinago. Pakisagutan itong muli, o pindutin ang "Pirmahan ang petisyon" nang hindi ito sinasagutan.
expired = Matagal nang nakabukas ang pahinang ito, kaya nag-expire na ang form nito. Wala pang itinago.
already-sent-heading = Naipadala na ang form na ito
already-sent = Isang beses lamang itong binibilang. Kung nakakita ka ng code ng resibo, na-save na ang iyong pirma. Kung hindi ka nakakita nito, malamang na na-save rin ito. Ligtas na pumirma ulit mula sa pahina ng petisyon: inaalis ng mga tagapag-organisa ang mga dobleng pirma.
save-failed-heading = Hindi ma-save ang iyong pirma
seal-failed = Nagkaproblema habang ikinakandado ang iyong pirma. Walang itinago.
store-failed = Hindi naitago ng server ang iyong pirma ngayon, kaya wala kang code ng resibo.
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
code-hint = Ang 27 titik at numero sa iyong resibo. Hindi mahalaga ang mga gitling, espasyo, at malalaking titik.
code-bad = Hindi iyan code ng resibo. May 27 titik at numero ang isang code: pakitiyak na na-type mo ang lahat ng ito.
code-typo = May mali sa pagka-type ng code na ito. Pakihambing ang bawat karakter sa iyong resibo, lalo na ang mga huli.
code-too-many = Masyadong maraming pagsubok mula sa iyong network. Pakihintay ng isang oras at subukang muli.
code-failed = Hindi ito magawa ng server sa ngayon. Walang binago. Pakisubukang muli mamaya.

## Ano ang nangyayari sa pirma ko
about-heading = Ano ang nangyayari sa pirma ko
about-kept-heading = Ang itinatago
about-kept-1 = Kapag pumirma ka, itinatago ng server ang: iyong pangalan, iyong organisasyon (kung nagbigay ka), iyong email, kung hiniling mong mailista ka nang publiko, ang wika ng pahina, at ang araw ng pagpirma mo. Hindi nito itinatago ang oras.
about-kept-2 = Hindi nito itinatago ang iyong IP address o ang mga detalye ng iyong browser. Hindi ito naglalagay ng cookie. Walang account at walang pagsubaybay.
about-who-heading = Sino ang makakabasa nito
about-who-1 = Ikinakandado (ine-encrypt) ang iyong mga detalye sa sandaling dumating ang mga ito. Ang mga tagapag-organisa lamang ang may hawak ng mga susi, sa sarili nilang mga computer. Hindi mababasa ng server ang iyong mga detalye. Hindi rin ito mababasa ng sinumang kumuha o kumopya ng server. Binubuksan ng mga tagapag-organisa ang mga pirma nang offline, kapag ihahatid na nila ang petisyon.
about-names-heading = Sino ang makakakita ng pangalan ko
about-emails-heading = Sino ang makakatanggap ng email ko
about-organizers-heading = Sino ang nagpapatakbo ng petisyong ito
about-organizers = Pinapatakbo ng { $name } ang petisyong ito. Maaari kang sumulat sa kanila kung may tanong ka, o para itanong kung anong impormasyon tungkol sa iyo ang hawak nila.
about-withdraw-heading = Paano bawiin ang iyong pirma
about-withdraw-1 = Pagkatapos pumirma, makakatanggap ka ng code ng resibo na isang beses lamang ipinapakita. Ilihim mo ito. Gamit ito, maaari mong bawiin ang iyong pirma, o suriin kung kasama pa rin ito sa bilang, sa mga pahina sa ibaba. Walang itinatagong kopya ng code ang server. Kaya walang ibang makakahanap ng iyong pirma gamit ito, at walang makakapagbigay nito ulit sa iyo kung mawala ito.
about-time-heading = Gaano katagal ito itinatago
about-time-1 = Pagkatapos maihatid ang petisyon, kinukuha ng mga tagapag-organisa mula sa server ang mga nakakandadong pirma at binubura ang mga ito roon.

## Pahayag tungkol sa aksesibilidad
a11y-heading = Aksesibilidad
a11y-1 = Layunin ng petisyong ito na matugunan ang Web Content Accessibility Guidelines (WCAG) 2.2 sa antas AA. Gumagana ito nang walang JavaScript, gamit lamang ang keyboard, gamit ang mga screen reader, sa lapad na 320 pixel, at sa 200% zoom.
a11y-2 = Kusang tumatakbo sa background ang pagsusuri laban sa spam at hindi ka kailanman hihilinging lumutas ng puzzle. Kung hindi pa ito tapos kapag pinindot mo ang "Pirmahan ang petisyon", ipapadala pa rin ang iyong pirma.
a11y-2-hcaptcha = Para maiwasan ang spam, nagpapakita ang petisyong ito ng puzzle mula sa hCaptcha, isang hiwalay na kompanya. Kung hindi mo ito masagutan, pindutin pa rin ang "Pirmahan ang petisyon": tatanggapin pa rin ang iyong pirma, basta't hindi pa naaabot ang limitasyon sa mga pirmang walang puzzle.
a11y-time = Walang limitasyon sa oras sa pagsagot ng form. Kung nakabukas ang isang pahina nang maraming oras, ipapakita ulit ang form kasama ang lahat ng na-type mo kapag pinindot mo ang "Pirmahan ang petisyon": pindutin itong muli.
a11y-3 = Kung may bahagi ng mga pahinang ito na mahirap gamitin, pakisabihan ang mga tagapag-organisa:
