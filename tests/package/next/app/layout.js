// Uncaught errors, for the tests (WebDriver cannot listen for them).
const collectErrors = `
  window.pageErrors = [];
  addEventListener("error", (event) => pageErrors.push(String(event.message)));
  addEventListener("unhandledrejection", (event) => pageErrors.push(String(event.reason)));
`;

export const metadata = { title: "emporix-optin in a Next.js app" };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <head>
        <script dangerouslySetInnerHTML={{ __html: collectErrors }} />
      </head>
      <body>{children}</body>
    </html>
  );
}
