# Textos de la interfaz de undersign: español (traducidos de la referencia en inglés).
# Mantenga los mensajes simples y cortos: muchas personas que firman leen en un segundo idioma.
# Una idea por oración; sin modismos; "usted" para quien firma, "el equipo organizador"
# para quienes llevan adelante la petición.

## Todas las páginas
lang-name = Español
lang-nav = Idioma
demo-title = Demostración.
demo-banner = Esta es una petición de demostración: su clave secreta está en este servidor, así que nada de lo que se firme aquí es privado. No escriba datos reales.
back = Volver a la petición
link-about = Qué pasa con mi firma
onion-address = En Tor, la única dirección onion de esta petición es:
link-withdraw = Retirar una firma
link-check = Verificar una firma
link-accessibility = Accesibilidad
footer-organizers = Esta petición está a cargo de { $name }.
footer-contact = Contacte al equipo organizador:
fallback-note = Este texto todavía no está disponible en su idioma, así que se muestra en su idioma original.

## La página de la petición
sign-jump = Firmar esta petición
signatures-label = Firmas
count-line = { $count ->
    [one] { $count } firma
   *[other] { $count } firmas
}
count-goal = Meta: { $goal }
closed-heading = La recolección de firmas está cerrada
closed-text = Esta petición ya no acepta firmas. Gracias a todas las personas que firmaron.
paused-heading = La recolección de firmas está en pausa
paused-text = El equipo organizador ha pausado la recolección de firmas por ahora. Por favor, vuelva más tarde.
sign-heading = Firmar
error-prefix = Error:
errors-heading = { $count ->
    [one] Por favor, corrija este problema:
   *[other] Por favor, corrija estos { $count } problemas:
}
field-first-name = Nombre
field-last-name = Apellidos
name-hint = Si tiene un solo nombre, escríbalo en cualquiera de los dos campos.
field-affiliation = Organización
field-email = Correo electrónico
optional = (opcional)
consent-label = Acepto firmar esta petición con los datos indicados arriba.
public-label = Mostrar mi nombre públicamente
public-hint = En ese caso, su nombre y su organización se publican junto con la carta. Si deja esta casilla sin marcar, su nombre nunca se publica.
before-heading = Antes de firmar
who-sees-name = ¿Quién verá mi nombre?
who-gets-email = ¿Quién recibe mi correo electrónico y para qué?
who-runs = ¿Quién organiza esta petición?
how-kept = ¿Cómo se protegen mis datos?
how-kept-text = Sus datos se bloquean (se cifran) en cuanto llegan a este servidor. Solo el equipo organizador puede desbloquearlos, en sus propias computadoras. Este servidor no puede leerlos. No guarda ningún registro de su dirección IP y no instala ninguna cookie.
honeypot-label = Deje este campo vacío
sign-button = Firmar la petición
sign-sending = Enviando…
pow-status = Estamos comprobando que usted no es un robot… Su firma se enviará en un momento.
seal-status = Bloqueando sus datos en su navegador…
seal-dropped = Se perdió la conexión, así que esta página todavía no puede saber si su firma llegó. Lo que escribió sigue aquí. Por favor, vuelva a presionar “Firmar la petición”. Su firma nunca se cuenta dos veces.

## Problemas en un campo
problem-missing = { $field }: por favor, complete este campo.
problem-name-missing = Nombre: por favor, escriba su nombre en al menos uno de los dos campos.
problem-too-long = { $field }: texto demasiado largo (máximo { $max } caracteres).
problem-control = { $field }: contiene un carácter que no está permitido.
problem-not-email = { $field }: esto no parece una dirección de correo electrónico (nombre@example.org).
problem-no-consent = Por favor, marque la casilla para confirmar que quiere firmar.

## La página del comprobante
receipt-title = Gracias por firmar
receipt-heading = Gracias: su firma está guardada
receipt-locked = Se bloqueó antes de guardarse. Solo el equipo organizador puede desbloquearla.
receipt-sealed-browser = Su navegador bloqueó sus datos antes de enviarlos, así que este servidor nunca los vio.
receipt-sealed-server = Este servidor bloqueó sus datos en cuanto llegaron, antes de guardarlos.
receipt-code-heading = Su código de comprobante
receipt-code-spoken = Su código de comprobante, letra por letra:
receipt-paper = Escriba este código en un papel ahora. Se muestra solo esta vez y no se guarda en ningún lugar, así que nadie se lo puede dar de nuevo.
receipt-copies = Una captura de pantalla, una impresión o una copia del código también sirven, pero dejan una copia en este dispositivo. El texto copiado también puede llegar a sus otros dispositivos mediante la sincronización del portapapeles.
receipt-close = Cuando lo haya anotado, cierre esta pestaña. No vuelva a cargar esta página.
receipt-private = Con este código puede retirar su firma o verificar que todavía está contabilizada. Cualquier persona que tenga el código puede hacer lo mismo, así que no lo comparta.
receipt-how = Para hacerlo, abra una de estas páginas y escriba allí el código. El código nunca se pone en un enlace ni en una dirección web.

## Checking the public log (on the receipt page)
log-check-heading = Compruebe que su firma se cuenta
log-check-intro = Esta petición mantiene un registro público: una entrada codificada por cada firma, que nadie puede relacionar con un nombre. Con él, cualquier persona puede comprobar que el número de esta página es real y que no se ha quitado ninguna firma a escondidas. También puede comprobar su propia firma con el programa gratuito undersign, en su propio ordenador:
log-check-code = El programa le pide su código de comprobante y busca su entrada en su propio ordenador: su código nunca se envía a este servidor ni a ningún otro lugar. Las firmas nuevas entran en el registro cada pocos minutos; si lo comprueba enseguida, vuelva a intentarlo un poco más tarde.

## Cuando una firma no se puede guardar ahora: el formulario vuelve con lo que se escribió
form-unreadable-heading = No se pudo leer el formulario
form-wrong-type = Las firmas se envían mediante un formulario web normal. No se guardó nada.
form-too-large = El formulario era demasiado grande para aceptarlo. Por favor, acorte lo que escribió e inténtelo de nuevo. No se guardó nada.
form-broken = El formulario llegó dañado o incompleto. Por favor, vuelva atrás e inténtelo de nuevo. No se guardó nada.
closed-refused = Esta petición ya no acepta firmas. No se guardó nada de lo que envió.
paused-refused = El equipo organizador ha pausado la recolección de firmas por ahora. No se guardó nada de lo que envió. Por favor, vuelva más tarde.
try-later-heading = Por favor, inténtelo de nuevo un poco más tarde
too-many-from-network = Llegaron demasiadas firmas desde su red en poco tiempo. Si muchas personas comparten su conexión (un albergue, un campus, Tor), esto no tiene que ver con usted. Todavía no se guardó nada.
no-js-budget = En este momento muchas personas están firmando con JavaScript desactivado. Para frenar el spam automático, el servidor solo acepta unas pocas de esas firmas a la vez. Todavía no se guardó nada.
unknown-network-heading = No se pudo aceptar esta solicitud
unknown-network = El servidor no pudo saber desde qué red llegó esta solicitud, así que no la aceptó. No se guardó nada de lo que envió. Es un problema de la configuración del servidor, no suyo: por favor, avise al equipo organizador de la petición.
no-puzzle-budget = En este momento muchas personas están firmando sin resolver el acertijo. Para frenar el spam automático, el servidor solo acepta unas pocas de esas firmas a la vez. Todavía no se guardó nada. Puede resolver el acertijo de abajo y volver a presionar “Firmar la petición”.
pow-unfinished = Su navegador no pudo terminar a tiempo la verificación en segundo plano. Esto puede pasar en un teléfono lento. Todavía no se guardó nada.
try-again-in = { $minutes ->
    [one] Sus datos siguen en el formulario de abajo. Por favor, vuelva a presionar “Firmar la petición” en un minuto aproximadamente.
   *[other] Sus datos siguen en el formulario de abajo. Por favor, vuelva a presionar “Firmar la petición” en unos { $minutes } minutos.
}
kept-below = Sus datos siguen en el formulario de abajo. Por favor, revíselos y vuelva a presionar “Firmar la petición”.
bad-challenge = No se pudo verificar este formulario. Todavía no se guardó nada.
captcha-failed = No se pudo verificar el acertijo. Todavía no se guardó nada. Por favor, resuélvalo de nuevo o presione “Firmar la petición” sin resolverlo.
expired = Esta página estuvo abierta mucho tiempo, así que su formulario expiró. Todavía no se guardó nada.
already-sent-heading = Este formulario ya se envió
already-sent = Solo se cuenta una vez. Si vio un código de comprobante, su firma está guardada. Si no vio ninguno, lo más probable es que también se haya guardado. Puede volver a firmar desde la página de la petición sin problema: el equipo organizador elimina las firmas repetidas.
save-failed-heading = No se pudo guardar su firma
seal-failed = Algo salió mal al bloquear su firma. No se guardó nada.
store-failed = El servidor no pudo guardar su firma en este momento, así que usted no tiene código de comprobante.
not-found-heading = Página no encontrada
not-found = No hay nada en esta dirección.

## Retirar y verificar con el código de comprobante
withdraw-heading = Retirar mi firma
withdraw-intro = Escriba el código de comprobante que recibió cuando firmó. Su firma se borrará de la petición para siempre.
withdraw-button = Retirar mi firma
withdraw-done = Si este código correspondía a una firma, esa firma ya está borrada: ya no está contabilizada y no se entregará. Se muestra el mismo mensaje para cualquier código, para que nadie pueda usar esta página para probar códigos.
check-heading = Verificar mi firma
check-intro = Escriba el código de comprobante que recibió cuando firmó para ver si su firma todavía está contabilizada. No se muestra nada más sobre ella.
check-button = Verificar
counted = Esta firma está contabilizada.
not-counted = Ninguna firma contabilizada tiene este código: la firma se retiró o el código se escribió mal.
code-label = Código de comprobante
code-hint = Las 27 letras y números de su comprobante. No importan los guiones, los espacios ni las mayúsculas.
code-bad = Eso no es un código de comprobante. Un código tiene 27 letras y números: por favor, verifique que lo escribió completo.
code-typo = Este código tiene un error de escritura. Por favor, compare cada carácter con su comprobante, sobre todo los últimos.
code-too-many = Demasiados intentos desde su red. Por favor, espere una hora e inténtelo de nuevo.
code-failed = El servidor no pudo hacer esto en este momento. No se cambió nada. Por favor, inténtelo de nuevo más tarde.

## Qué pasa con mi firma
about-heading = Qué pasa con mi firma
about-kept-heading = Qué se guarda
about-kept-1 = Cuando usted firma, el servidor guarda: su nombre, su organización (si indicó una), su correo electrónico, si pidió que su nombre se muestre públicamente, el idioma de la página y el día en que firmó. No guarda la hora.
about-kept-2 = No guarda su dirección IP ni los datos de su navegador. No instala ninguna cookie. No hay cuentas ni seguimiento.
about-who-heading = Quién puede leerla
about-who-1 = Sus datos se bloquean (se cifran) en cuanto llegan. Solo el equipo organizador tiene las claves, en sus propias computadoras. El servidor no puede leer sus datos. Alguien que se lleve o copie el servidor tampoco puede leerlos. El equipo organizador desbloquea las firmas sin conexión, cuando entrega la petición.
about-names-heading = Quién verá mi nombre
about-emails-heading = Quién recibe mi correo electrónico
about-organizers-heading = Quién organiza esta petición
about-organizers = Esta petición está a cargo de { $name }. Puede escribirles si tiene preguntas, o para saber qué datos tienen sobre usted.
about-withdraw-heading = Cómo retirar su firma
about-withdraw-1 = Después de firmar, usted recibe un código de comprobante que se muestra una sola vez. No lo comparta. Con él puede retirar su firma, o verificar que todavía está contabilizada, en las páginas de abajo. El servidor no guarda ninguna copia del código. Por eso nadie más puede encontrar su firma con él, y nadie puede dárselo de nuevo si lo pierde.
about-time-heading = Cuánto tiempo se guarda
about-time-1 = Después de entregar la petición, el equipo organizador saca las firmas bloqueadas del servidor y las borra de allí.

## Declaración de accesibilidad
a11y-heading = Accesibilidad
a11y-1 = Esta petición busca cumplir las Pautas de Accesibilidad para el Contenido Web (WCAG) 2.2 en el nivel AA. Funciona sin JavaScript, solo con el teclado, con lectores de pantalla, con un ancho de 320 píxeles y con un zoom del 200 %.
a11y-2 = La verificación contra el spam funciona sola en segundo plano y nunca le pide resolver un acertijo. Si no ha terminado cuando usted presiona “Firmar la petición”, su firma se envía de todos modos.
a11y-2-hcaptcha = Para frenar el spam, esta petición muestra un acertijo de hCaptcha, otra empresa. Si no puede resolverlo, presione “Firmar la petición” de todos modos: su firma también se acepta, dentro de un límite para las firmas sin acertijo.
a11y-time = No hay límite de tiempo para completar el formulario. Si una página queda abierta muchas horas, al presionar “Firmar la petición” el formulario vuelve a aparecer con todo lo que escribió: presione el botón una vez más.
a11y-3 = Si algo en estas páginas es difícil de usar, por favor, avise al equipo organizador:
