# Textos de la interfaz de undersign: español (traducidos de la referencia en inglés).
# Mantenga los mensajes simples y cortos: muchas personas que firman leen en un segundo idioma.

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

## La página de la petición
sign-jump = Firmar esta petición
fallback-note = Esta petición todavía no está disponible en su idioma; se muestra en su idioma original.
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
errors-heading = { $count ->
    [one] Por favor, corrija este problema:
   *[other] Por favor, corrija estos { $count } problemas:
}
field-first-name = Nombre
field-last-name = Apellidos
field-affiliation = Organización
field-email = Correo electrónico
optional = (opcional)
consent-label = Acepto firmar esta petición con los datos indicados arriba.
public-label = Mostrar públicamente mi nombre y mi organización en la lista de firmas. Si deja esta casilla sin marcar, su nombre nunca se publica.
kept-title = Qué se guarda:
kept-text = su nombre, su organización, su correo electrónico, las dos opciones anteriores, el idioma de la página y la fecha de hoy (no la hora). Estos datos se bloquean en el momento en que llegan, con una clave que solo tiene el equipo organizador de la petición, en sus propias computadoras. Este servidor no puede leerlos, no guarda ningún registro de su dirección IP y no instala ninguna cookie.
honeypot-label = Deje este campo vacío
sign-button = Firmar la petición
pow-status = Estamos comprobando que usted no es un robot… Su firma se enviará en un momento.

## Problemas en un campo
problem-missing = { $field }: por favor, complete este campo.
problem-too-long = { $field }: texto demasiado largo (máximo { $max } caracteres).
problem-control = { $field }: contiene un carácter que no está permitido.
problem-not-email = { $field }: esto no parece una dirección de correo electrónico (nombre@example.org).
problem-no-consent = Por favor, marque la casilla para confirmar que quiere firmar.

## La página del comprobante
receipt-title = Gracias por firmar
receipt-heading = Gracias: su firma está guardada
receipt-locked = Se bloqueó con la clave del equipo organizador antes de guardarse. Solo ese equipo puede leerla, sin conexión.
receipt-code-heading = Su código de comprobante
receipt-once = Este código se muestra una sola vez y no se guarda en ningún lugar. Anótelo, imprima esta página o cópielo en un lugar seguro: es la única manera de retirar su firma más adelante. Cualquier persona que tenga este código puede retirar su firma, así que no lo comparta.
receipt-how = Para retirar su firma, o para ver que todavía está contabilizada, abra una de estas páginas y escriba allí el código. El código nunca se pone en un enlace ni en una dirección web.

## Checking the public log (on the receipt page)
log-check-heading = Compruebe que su firma se cuenta
log-check-intro = Esta petición mantiene un registro público: una entrada codificada por cada firma, que nadie puede relacionar con un nombre. Con él, cualquier persona puede comprobar que el número de esta página es real y que no se ha quitado ninguna firma a escondidas. También puede comprobar su propia firma con el programa gratuito undersign, en su propio ordenador:
log-check-code = El programa le pide su código de comprobante y busca su entrada en su propio ordenador: su código nunca se envía a este servidor ni a ningún otro lugar. Las firmas nuevas entran en el registro cada pocos minutos; si lo comprueba enseguida, vuelva a intentarlo un poco más tarde.

## Rechazos
form-unreadable-heading = No se pudo leer el formulario
form-wrong-type = Las firmas se envían mediante un formulario web normal. No se guardó nada.
form-too-large = El formulario era demasiado grande para aceptarlo. Por favor, acorte lo que escribió e inténtelo de nuevo. No se guardó nada.
form-broken = El formulario llegó dañado o incompleto. Por favor, vuelva atrás e inténtelo de nuevo. No se guardó nada.
closed-refused = Esta petición ya no acepta firmas. No se guardó nada de lo que envió.
paused-refused = El equipo organizador ha pausado la recolección de firmas por ahora. No se guardó nada de lo que envió. Por favor, vuelva más tarde.
try-later-heading = Por favor, inténtelo de nuevo un poco más tarde
too-many-from-network = Se enviaron demasiadas firmas desde su red en poco tiempo. Si muchas personas comparten su conexión (un albergue, un campus, Tor), esto no tiene que ver con usted.
no-js-budget = En este momento muchas personas están firmando sin JavaScript, y el servidor solo acepta un número limitado de esas firmas a la vez para frenar el spam automático. También puede firmar desde un navegador con JavaScript activado.
unknown-network-heading = No se pudo aceptar esta solicitud
unknown-network = El servidor no pudo saber desde qué red llegó esta solicitud, así que no la aceptó. No se guardó nada de lo que envió. Es un problema de la configuración del servidor, no suyo: por favor, avise al equipo organizador de la petición.
try-again-in = No se guardó nada de lo que envió. { $minutes ->
    [one] Por favor, inténtelo de nuevo en un minuto aproximadamente.
   *[other] Por favor, inténtelo de nuevo en unos { $minutes } minutos.
}
bad-challenge = Este formulario ya se usó o no se pudo verificar. No se guardó nada. Por favor, revise sus datos abajo y vuelva a presionar “Firmar la petición”.
captcha-failed = No se pudo verificar el captcha. No se guardó nada. Por favor, resuélvalo de nuevo y presione “Firmar la petición”.
save-failed-heading = No se pudo guardar su firma
seal-failed = Algo salió mal al bloquear su firma. No se guardó nada. Por favor, inténtelo de nuevo más tarde.
store-failed = El servidor no pudo guardar su firma en este momento, así que usted no tiene comprobante y no se guardó nada. Por favor, inténtelo de nuevo en unos minutos.
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
code-hint = Las 26 letras y números que aparecen en su comprobante. No importan los guiones, los espacios ni las mayúsculas.
code-bad = Eso no es un código de comprobante: debe tener 26 letras y números.
code-too-many = Demasiados intentos desde su red. Por favor, espere una hora e inténtelo de nuevo.
code-failed = El servidor no pudo hacer esto en este momento. No se cambió nada. Por favor, inténtelo de nuevo más tarde.

## Qué pasa con mi firma
about-heading = Qué pasa con mi firma
about-kept-heading = Qué se guarda
about-kept-1 = Cuando usted firma, el servidor guarda su nombre y apellidos, su organización (si indicó una), su correo electrónico, si pidió aparecer en la lista pública, el idioma de la página y la fecha en que firmó (solo el día, no la hora).
about-kept-2 = No guarda su dirección IP, los datos de su navegador ni ninguna cookie. No hay cuentas ni seguimiento.
about-who-heading = Quién puede leerla
about-who-1 = Sus datos se bloquean (se cifran) en el momento en que llegan, con claves que solo tiene el equipo organizador de la petición, en sus propias computadoras. El propio servidor no puede leerlos, y tampoco puede hacerlo nadie que se lleve o copie el servidor. El equipo organizador desbloquea las firmas sin conexión para entregar la petición.
about-who-2 = Su nombre y su organización se publican solo si marcó la casilla que lo pide.
about-withdraw-heading = Cómo retirar su firma
about-withdraw-1 = Después de firmar, usted recibe un código de comprobante que se muestra una sola vez. No lo comparta. Con él puede retirar su firma, o comprobar que todavía está contabilizada, en las páginas de abajo. El servidor no guarda ninguna copia del código, así que nadie más puede encontrar su firma con él, y nadie puede dárselo de nuevo si lo pierde.
about-time-heading = Cuánto tiempo se guarda
about-time-1 = Después de entregar la petición, el equipo organizador exporta las firmas bloqueadas y las borra del servidor.

## Declaración de accesibilidad
a11y-heading = Accesibilidad
a11y-1 = Esta petición busca cumplir las Pautas de Accesibilidad para el Contenido Web (WCAG) 2.2 en el nivel AA. Funciona sin JavaScript, solo con el teclado, con lectores de pantalla, con un ancho de 320 píxeles y con un zoom del 200 %. No hay límite de tiempo para completar el formulario.
a11y-2 = La verificación contra el spam funciona sola en segundo plano y nunca le pide resolver un acertijo. Si no ha terminado cuando usted presiona “Firmar la petición”, su firma se envía de todos modos.
a11y-3 = Si algo en estas páginas es difícil de usar, por favor, avise al equipo organizador de la petición.
