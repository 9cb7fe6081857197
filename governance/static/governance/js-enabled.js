// Before the page is drawn (a classic script at the top of <body>, not a module): the
// NHS.UK frontend's styles for pages with JavaScript, and for browsers its modules support.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
